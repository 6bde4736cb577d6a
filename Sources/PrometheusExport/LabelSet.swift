/// The labels of one series, sorted by name so equal sets compare equal.
struct LabelSet: Hashable, Comparable, Sendable {
    let pairs: [Pair]

    struct Pair: Hashable, Sendable {
        var name: String
        var value: String
    }

    init(_ dimensions: [(String, String)]) {
        // A repeated label name keeps its last value, as a dictionary would.
        var byName: [String: String] = [:]
        for (name, value) in dimensions {
            byName[PrometheusText.labelName(name)] = value
        }
        pairs = byName.keys.sorted().map { Pair(name: $0, value: byName[$0] ?? "") }
    }

    /// `{a="1",b="2"}`, or nothing when there are no labels.
    func rendered(adding extra: (String, String)? = nil) -> String {
        var parts = pairs.map { "\($0.name)=\"\(PrometheusText.escapeLabelValue($0.value))\"" }
        if let extra {
            parts.append("\(extra.0)=\"\(PrometheusText.escapeLabelValue(extra.1))\"")
        }
        return parts.isEmpty ? "" : "{" + parts.joined(separator: ",") + "}"
    }

    static func < (lhs: LabelSet, rhs: LabelSet) -> Bool {
        lhs.rendered() < rhs.rendered()
    }
}
