import SegflowEngine

/// A pipeline file as `PipelineFileReader` read it: the configuration when the file has no
/// error, every problem, where each setting is written, and what `validate`'s database
/// checks need even when other parts of the file are wrong.
package struct PipelineFile {
    package var configuration: PipelineConfiguration?
    /// Every problem, in file order.
    package var issues: [PipelineIssue]
    package var positions: PipelinePositions
    /// The sources whose mapping reads well; nil when the file does not compose as written
    /// (a syntax error, a repeated key) or is not a mapping: nothing to check then.
    package var sourceMappings: [SourceName: SourceMapping]?
    /// The output schema the file names if it reads well, else the default.
    package var outputSchema: String
}
