/// A parsed (not yet type-checked) expression, with source positions for messages.
public indirect enum Expression: Sendable, Hashable {
    case number(Double, SourceLocation)
    case text(String, SourceLocation)
    case boolean(Bool, SourceLocation)
    case null(SourceLocation)
    /// `date 'YYYY-MM-DD'`, as days since 1970-01-01.
    case date(days: Int, SourceLocation)
    /// A name: a feature or `as_of`.
    case identifier(String, SourceLocation)
    case call(name: String, arguments: [Expression], SourceLocation)
    case unary(UnaryOperator, Expression, SourceLocation)
    /// `operatorLocation` is where the operator is written, for type errors.
    case binary(BinaryOperator, Expression, Expression, operatorLocation: SourceLocation)
    case isNull(Expression, negated: Bool, operatorLocation: SourceLocation)
    case inList(Expression, [Expression], negated: Bool, operatorLocation: SourceLocation)
    case between(Expression, low: Expression, high: Expression, negated: Bool, operatorLocation: SourceLocation)

    public enum UnaryOperator: String, Sendable, Hashable {
        case minus = "-"
        case not
    }

    public enum BinaryOperator: String, Sendable, Hashable {
        case or, and
        case equal = "=", notEqual = "!="
        case less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
        case plus = "+", minus = "-", times = "*", divide = "/"

        var isComparison: Bool {
            switch self {
            case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual: true
            default: false
            }
        }
    }

    /// Where the expression starts.
    public var location: SourceLocation {
        switch self {
        case .number(_, let location), .text(_, let location), .boolean(_, let location),
             .null(let location), .date(_, let location), .identifier(_, let location),
             .call(_, _, let location), .unary(_, _, let location):
            location
        case .binary(_, let left, _, _), .isNull(let left, _, _), .inList(let left, _, _, _),
             .between(let left, _, _, _, _):
            left.location
        }
    }
}
