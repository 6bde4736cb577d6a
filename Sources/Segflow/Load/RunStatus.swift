/// The state of a run in the ledger (`runs.status`).
public enum RunStatus: String, Sendable, Hashable {
    case running
    case succeeded
    case failed
    /// A data-quality gate failed; nothing was published (exit 65).
    case gateFailed = "gate_failed"
    /// Stopped by SIGTERM or SIGINT (`RunStop`); nothing of it was published (exit 143 or 130).
    case cancelled

    /// How a run that failed with this exit code (`RunExitCode.code(for:)`) is recorded.
    public init(failureExitCode code: Int32) {
        self = switch code {
        case RunExitCode.dataQuality: .gateFailed
        case RunExitCode.terminated, RunExitCode.interrupted: .cancelled
        default: .failed
        }
    }
}
