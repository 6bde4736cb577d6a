import SegflowEngine

/// A problem with a rule expression: lexical, syntactic or a type/name error.
public struct ExpressionError: SegflowError, Sendable, Hashable {
    public var code: SegflowErrorCode { .invalidExpression }
    /// What is wrong, without the position.
    public var message: String
    /// Where, within the expression text.
    public var location: SourceLocation

    public init(_ message: String, at location: SourceLocation) {
        self.message = message
        self.location = location
    }

    /// 1-based line within the expression text.
    public var line: Int { location.line }
    /// 1-based column within the line.
    public var column: Int { location.column }

    /// `line 1, column 14: unknown feature 'monetry' (did you mean 'monetary'?)`
    public var description: String { "\(location): \(message)" }
}
