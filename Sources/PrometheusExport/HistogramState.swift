/// Cumulative bucket counts, sum and count of one histogram series.
struct HistogramState: Sendable {
    let bounds: [Double]
    /// Observations at or below each bound (not cumulative; summed when rendered).
    private(set) var counts: [Int]
    private(set) var sum: Double = 0
    private(set) var count: Int = 0

    init(bounds: [Double]) {
        self.bounds = bounds
        self.counts = Array(repeating: 0, count: bounds.count)
    }

    mutating func observe(_ value: Double) {
        if let index = bounds.firstIndex(where: { value <= $0 }) {
            counts[index] += 1
        }
        sum += value
        count += 1
    }

    func render(name: String, labels: LabelSet) -> String {
        var out = ""
        var cumulative = 0
        for (bound, n) in zip(bounds, counts) {
            cumulative += n
            out += "\(name)_bucket\(labels.rendered(adding: ("le", PrometheusText.format(bound)))) \(cumulative)\n"
        }
        out += "\(name)_bucket\(labels.rendered(adding: ("le", "+Inf"))) \(count)\n"
        out += "\(name)_sum\(labels.rendered()) \(PrometheusText.format(sum))\n"
        out += "\(name)_count\(labels.rendered()) \(count)\n"
        return out
    }
}
