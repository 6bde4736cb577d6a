import SegflowPublish

// Beside the exit codes (Segflow) rather than with RunStatus (SegflowPublish, below Segflow).
extension RunStatus {
    /// How a run that failed with this exit code (`RunExitCode.code(for:)`) is recorded.
    public init(failureExitCode code: Int32) {
        self = switch code {
        case RunExitCode.dataQuality: .gateFailed
        case RunExitCode.terminated, RunExitCode.interrupted: .cancelled
        default: .failed
        }
    }
}
