import PostgresClient

/// The kind of a failure, which decides the exit code (`RunExitCode.code(for:)`).
public enum ErrorCategory: Sendable, Hashable {
    /// Usage or configuration error: fix the command, the pipeline file or the schema.
    case usage
    /// A data-quality gate failed; nothing was published.
    case dataQuality
    /// Worth running again later: the database or another session was in the way.
    case temporary
    case failure

    /// The category of any error segflow can see: its own codes, the database client's
    /// errors (transient states decided by `PostgresError.isWorthRunningLater`), and anything else as `failure`.
    public init(of error: any Error) {
        self = switch error {
        case let error as any SegflowError: error.code.category
        case let error as PostgresError: error.isWorthRunningLater ? .temporary : .failure
        case is ConnectionStringError: .usage
        default: .failure
        }
    }
}
