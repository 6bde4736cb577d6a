import PostgresClient
import SegflowEngine
import SegflowPipelineFile
import SegflowPublish

/// The exit code a failure of the library's work means, shared by the run ledger
/// (`runs.exit_code`) and the command line, so both always say the same:
/// 0 ok; 2 usage or configuration error; 65 a data-quality gate failed (nothing
/// published); 75 a temporary failure worth retrying (transient database errors that
/// outlasted the retries, the pipeline lock not obtained within --lock-timeout, readers
/// blocking the snapshot swap, a table lock not obtained within --table-lock-timeout, a
/// server-side lock_timeout (55P03) or statement_timeout (57014)); 143 stopped by SIGTERM,
/// 130 stopped by SIGINT (`RunStop`: whatever failure follows a stop is reported as the
/// stop); 1 anything else.
public enum RunExitCode {
    public static let ok: Int32 = 0
    public static let failure: Int32 = 1
    public static let usage: Int32 = 2
    public static let dataQuality: Int32 = 65
    public static let temporary: Int32 = 75
    /// 128 + SIGTERM, as a shell reports a process SIGTERM ended.
    public static let terminated: Int32 = 143
    /// 128 + SIGINT.
    public static let interrupted: Int32 = 130

    public static func code(for error: any Error) -> Int32 {
        // After a stop every statement fails (cancelled, refused): that is the stop, not an error.
        if let stop = RunStop.requested { return stop.exitCode }
        return switch error {
        case is QualityGateError: dataQuality
        case is TransientFailureError, is PipelineLockedError, is SwapLockTimeoutError, is MigrationLockTimeoutError,
             is LockWaitTimeoutError: temporary
        case _ where RetryPolicy.isTransient(error): temporary
        // A wait the server cut short: the same run later, when the other session is done, can succeed.
        case let error as PostgresError where error.sqlState == "55P03" || error.sqlState == "57014": temporary
        case is PipelineValidationError, is ConnectionStringError, is BackfillPlanError, is SchemaTooNewError, is SchemaOutdatedError: usage
        default: failure
        }
    }
}
