import SegflowEngine

/// The static type of an expression.
public enum ValueType: String, Sendable, Hashable, CustomStringConvertible {
    case number
    case text
    case boolean
    /// The literal `null` (or an expression built only from it): fits any type.
    case null

    /// The expression type of a feature: dates and money are numbers.
    public init(_ kind: FeatureDefinition.Kind) {
        switch kind {
        case .integer, .real, .money, .date: self = .number
        case .text: self = .text
        case .boolean: self = .boolean
        }
    }

    public var description: String { rawValue }

    /// The common type of two operands, or nil if they do not mix.
    func unified(with other: ValueType) -> ValueType? {
        if self == other { return self }
        if self == .null { return other }
        if other == .null { return self }
        return nil
    }
}
