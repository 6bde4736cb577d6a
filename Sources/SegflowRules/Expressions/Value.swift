/// A single value, as the scalar interpreter computes it.
public enum Value: Sendable, Hashable, CustomStringConvertible {
    case null
    case number(Double)
    case text(String)
    case boolean(Bool)

    public var description: String {
        switch self {
        case .null: "null"
        case .number(let value): Expression.render(value)
        case .text(let value): "'\(value)'"
        case .boolean(let value): value ? "true" : "false"
        }
    }

    var number: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    var text: String? {
        if case .text(let value) = self { return value }
        return nil
    }

    var boolean: Bool? {
        if case .boolean(let value) = self { return value }
        return nil
    }

    var isNull: Bool { self == .null }

    /// A number with NaN as null (the columnar encoding).
    init(number: Double) {
        self = number.isNaN ? .null : .number(number)
    }
}
