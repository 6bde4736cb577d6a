import SegflowRules

/// One segment as `customer_segments` names it: keys are unique within their segmentation.
public struct ExportSegment: Sendable, Hashable, CustomStringConvertible {
    public var segmentationKey: String
    public var segmentKey: String

    public init(segmentationKey: String, segmentKey: String) {
        self.segmentationKey = segmentationKey
        self.segmentKey = segmentKey
    }

    /// `segmentation:segment`, the form that is never ambiguous.
    public var description: String { "\(segmentationKey):\(segmentKey)" }

    /// The segment `key` names among `defined` (the segments of one snapshot): a segment key
    /// that exactly one segmentation has (`vip`; cluster keys such as
    /// `behaviour_clusters:cluster_2` are segment keys themselves), else `segmentation:segment`.
    /// Throws, naming what exists, when it names none or several.
    public static func resolve(_ key: String, among defined: [ExportSegment]) throws -> ExportSegment {
        let exact = defined.filter { $0.segmentKey == key }
        if exact.count == 1 { return exact[0] }
        if let colon = key.firstIndex(of: ":") {
            let qualified = ExportSegment(segmentationKey: String(key[..<colon]), segmentKey: String(key[key.index(after: colon)...]))
            if defined.contains(qualified) { return qualified }
        }
        if exact.count > 1 {
            throw InvalidExportError("--segment '\(key)' is a segment of several segmentations: write one of "
                + exact.map { "'\($0)'" }.joined(separator: ", "))
        }
        let names = defined.map(\.segmentKey) + defined.map(\.description)
        let segmentations = Array(Set(defined.map(\.segmentationKey))).sorted()
        throw InvalidExportError("--segment: unknown segment '\(key)'\(NameSuggester.hint(for: key, among: names)); "
            + "the snapshot defines \(defined.count) segments in the segmentations \(segmentations.joined(separator: ", ")) "
            + "(segment_definitions lists them)")
    }
}
