/// segflow broke one of its own invariants (a task that never finished, a snapshot the
/// engine did not produce): a bug to report, not a problem with the input or the database.
public struct EngineInvariantError: SegflowError {
    public var code: SegflowErrorCode { .engineInvariant }
    /// What should have held, without row values.
    public var problem: String

    public init(_ problem: String) {
        self.problem = problem
    }

    public var description: String { "internal error: \(problem)" }
}
