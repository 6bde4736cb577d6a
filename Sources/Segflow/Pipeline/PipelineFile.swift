/// A pipeline file as `PipelineFileReader` read it: the configuration when the file has no
/// error, every problem, where each setting is written, and what `validate`'s database
/// checks need even when other parts of the file are wrong.
struct PipelineFile {
    var configuration: PipelineConfiguration?
    /// Every problem, in file order.
    var issues: [PipelineIssue]
    var positions: PipelinePositions
    /// The sources whose mapping reads well; nil when the file does not compose as written
    /// (a syntax error, a repeated key) or is not a mapping: nothing to check then.
    var sourceMappings: [SourceName: SourceMapping]?
    /// The output schema the file names if it reads well, else the default.
    var outputSchema: String
}
