/// One problem in a pipeline file, at a 1-based line and column (Unicode scalars).
public struct PipelineIssue: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Errors stop a run; warnings only point at something likely to go wrong.
    public enum Severity: String, Sendable, Hashable, Codable {
        case error
        case warning
    }

    public var file: String
    public var line: Int
    public var column: Int
    public var message: String
    public var severity: Severity
    /// A stable machine-readable kind, e.g. `unknown_key`, `missing_column` (docs/commands.md).
    public var code: String

    public init(file: String, line: Int, column: Int, message: String,
                severity: Severity = .error, code: String = "invalid_value") {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.severity = severity
        self.code = code
    }

    /// `pipelines/x.yml:12:9: message` (just `file: message` without a position);
    /// warnings say so after the position.
    public var description: String {
        let text = severity == .warning ? "warning: \(message)" : message
        return line > 0 ? "\(file):\(line):\(column): \(text)" : "\(file): \(text)"
    }
}
