/// A position in an expression's text.
///
/// Columns and offsets count Unicode scalars, as libyaml (and so Yams' `Mark`) does, so a
/// position inside a rule can be added to the YAML mark of the scalar that holds it.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    /// Unicode-scalar offset from the start of the expression text (0-based).
    public var offset: Int
    /// 1-based line within the expression text.
    public var line: Int
    /// 1-based column within the line.
    public var column: Int

    public init(offset: Int, line: Int, column: Int) {
        self.offset = offset
        self.line = line
        self.column = column
    }

    /// The start of a text.
    public static let start = SourceLocation(offset: 0, line: 1, column: 1)

    public var description: String { "line \(line), column \(column)" }
}
