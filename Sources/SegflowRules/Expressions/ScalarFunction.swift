/// A row-level function.
public enum ScalarFunction: String, Sendable, Hashable, CaseIterable {
    case coalesce, abs, least, greatest, round, lower, upper

    /// Allowed argument counts.
    var arity: ClosedRange<Int> {
        switch self {
        case .coalesce, .least, .greatest: 1...Int.max
        case .abs, .lower, .upper: 1...1
        case .round: 1...2
        }
    }

    var aritySummary: String {
        switch self {
        case .coalesce, .least, .greatest: "at least one argument"
        case .abs, .lower, .upper: "exactly one argument"
        case .round: "one or two arguments"
        }
    }
}
