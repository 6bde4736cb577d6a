import SegflowEngine

/// Every problem found in a pipeline file, in file order.
public struct PipelineValidationError: SegflowError, Sendable, Hashable {
    public var code: SegflowErrorCode { .invalidPipelineFile }
    public var issues: [PipelineIssue]

    public init(issues: [PipelineIssue]) {
        self.issues = issues
    }

    /// One issue per line.
    public var description: String { issues.map(\.description).joined(separator: "\n") }
}
