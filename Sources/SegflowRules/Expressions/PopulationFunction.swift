/// An aggregate over the whole snapshot's non-null values of one feature, computed once
/// per snapshot before rules run.
public enum PopulationFunction: Sendable, Hashable, CustomStringConvertible {
    case avg, median, min, max, stddev, sum, count
    /// `p1` … `p99`: continuous percentile, like PostgreSQL's `percentile_cont(n / 100.0)`.
    case percentile(Int)

    /// Names for messages and docs (percentiles are `p1` … `p99`).
    static let fixedNames = ["avg", "median", "min", "max", "stddev", "sum", "count"]

    public init?(name: String) {
        switch name {
        case "avg": self = .avg
        case "median": self = .median
        case "min": self = .min
        case "max": self = .max
        case "stddev": self = .stddev
        case "sum": self = .sum
        case "count": self = .count
        default:
            guard name.count >= 2, name.count <= 3, name.hasPrefix("p"), !name.dropFirst().hasPrefix("0"),
                  let value = Int(name.dropFirst()), (1...99).contains(value)
            else { return nil }
            self = .percentile(value)
        }
    }

    public var name: String {
        switch self {
        case .avg: "avg"
        case .median: "median"
        case .min: "min"
        case .max: "max"
        case .stddev: "stddev"
        case .sum: "sum"
        case .count: "count"
        case .percentile(let value): "p\(value)"
        }
    }

    public var description: String { name }

    /// `count` also counts non-null text and boolean values; the others need numbers.
    var acceptsAnyFeature: Bool { self == .count }
}
