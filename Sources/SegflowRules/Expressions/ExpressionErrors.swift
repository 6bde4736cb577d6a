import SegflowEngine

/// All the problems found in one expression (the parser stops at its first error; name
/// and type errors are collected).
public struct ExpressionErrors: SegflowError, Sendable, Hashable {
    public var code: SegflowErrorCode { .invalidExpression }
    public var errors: [ExpressionError]

    public init(_ errors: [ExpressionError]) {
        self.errors = errors
    }

    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
