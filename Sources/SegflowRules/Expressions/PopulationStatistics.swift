import SegflowEngine

/// Population statistics of one snapshot: each (function, feature) pair the pipeline's
/// rules use, computed once over all customers' non-null values.
public struct PopulationStatistics: Sendable, Hashable {
    /// Values by key; a missing key or NaN means null (e.g. `avg` of no values).
    public private(set) var values: [PopulationStatisticKey: Double]

    public init(values: [PopulationStatisticKey: Double] = [:]) {
        self.values = values
    }

    /// The statistic, or nil for null (or if it was not computed).
    public func value(_ key: PopulationStatisticKey) -> Double? {
        guard let value = values[key], !value.isNaN else { return nil }
        return value
    }

    /// Computes `keys` from `columns`, features spread over up to `workerCount` threads.
    public static func compute(_ keys: Set<PopulationStatisticKey>, from columns: FeatureColumns,
                               workerCount: Int = 2) -> PopulationStatistics {
        let byFeature = Dictionary(grouping: keys, by: \.feature).sorted { $0.key < $1.key }
        var results = [[PopulationStatisticKey: Double]](repeating: [:], count: byFeature.count)
        results.withUnsafeMutableBufferPointer { buffer in
            let shared = SharedBuffer(buffer)
            // Features are dealt round-robin to the workers; each writes only its own slots.
            let workers = min(max(1, workerCount), byFeature.count)
            Parallel.forEach(workers) { worker in
                for index in stride(from: worker, to: byFeature.count, by: workers) {
                    let (feature, featureKeys) = byFeature[index]
                    shared[index] = compute(featureKeys, feature: feature, columns: columns)
                }
            }
        }
        return PopulationStatistics(values: results.reduce(into: [:]) { $0.merge($1) { a, _ in a } })
    }

    private static func compute(_ keys: [PopulationStatisticKey], feature: FeatureKey,
                                columns: FeatureColumns) -> [PopulationStatisticKey: Double] {
        var result: [PopulationStatisticKey: Double] = [:]
        if feature.kind == .text {
            let count = columns.texts(feature).reduce(0) { $0 + ($1 == nil ? 0 : 1) }
            for key in keys where key.function == .count { result[key] = Double(count) }
            return result
        }
        let values = columns.numbers(feature).filter { !$0.isNaN }
        let needsSorted = keys.contains { key in
            switch key.function {
            case .median, .percentile: true
            default: false
            }
        }
        let sorted = needsSorted ? values.sorted() : []
        for key in keys {
            result[key] = statistic(key.function, values: values, sorted: sorted)
        }
        return result
    }

    static func statistic(_ function: PopulationFunction, values: [Double], sorted: [Double]) -> Double {
        switch function {
        case .count:
            return Double(values.count)
        case .sum:
            return values.isEmpty ? .nan : compensatedSum(values)
        case .avg:
            return values.isEmpty ? .nan : compensatedSum(values) / Double(values.count)
        case .min:
            return values.min() ?? .nan
        case .max:
            return values.max() ?? .nan
        case .stddev:
            // Sample standard deviation, like PostgreSQL's stddev(); null below two values.
            guard values.count > 1 else { return .nan }
            let mean = compensatedSum(values) / Double(values.count)
            let squares = compensatedSum(values.map { ($0 - mean) * ($0 - mean) })
            return (squares / Double(values.count - 1)).squareRoot()
        case .median:
            return percentile(0.5, sorted: sorted)
        case .percentile(let p):
            return percentile(Double(p) / 100, sorted: sorted)
        }
    }

    /// PostgreSQL's `percentile_cont`: linear interpolation between the two closest ranks.
    static func percentile(_ fraction: Double, sorted: [Double]) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let position = fraction * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = Swift.min(lower + 1, sorted.count - 1)
        let weight = position - Double(lower)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * weight
    }

    /// Neumaier summation: money sums over a million rows stay exact to the cent.
    static func compensatedSum(_ values: [Double]) -> Double {
        var sum = 0.0
        var compensation = 0.0
        for value in values {
            let total = sum + value
            if Swift.abs(sum) >= Swift.abs(value) {
                compensation += (sum - total) + value
            } else {
                compensation += (value - total) + sum
            }
            sum = total
        }
        return sum + compensation
    }
}
