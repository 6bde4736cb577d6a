import PostgresClient
import SegflowEngine
import SegflowPipelineFile
import SegflowPublish

/// The exit codes of segflow, defined here and nowhere else: the run ledger
/// (`runs.exit_code`), the command line and its help text all use these.
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

    /// The exit code of a failure: the stop's when one was requested (after a stop every
    /// statement fails, cancelled or refused: that is the stop, not an error), else its category's.
    public static func code(for error: any Error) -> Int32 {
        if let stop = RunStop.requested { return stop.exitCode }
        return code(for: ErrorCategory(of: error))
    }

    public static func code(for category: ErrorCategory) -> Int32 {
        switch category {
        case .usage: usage
        case .dataQuality: dataQuality
        case .temporary: temporary
        case .failure: failure
        }
    }

    /// Each code with what it means, in the order the help text lists them.
    public static let meanings: [(code: Int32, meaning: String)] = [
        (ok, "ok"),
        (usage, "usage or configuration error"),
        (dataQuality, "a data-quality gate failed (nothing published)"),
        (temporary, "temporary failure worth retrying (database unavailable after --retry-for, "
            + "the pipeline lock not obtained within --lock-timeout, or a table lock within --table-lock-timeout)"),
        (terminated, "stopped by SIGTERM (running statements cancelled, the run recorded as cancelled)"),
        (interrupted, "stopped by SIGINT (the same)"),
        (failure, "anything else"),
    ]

    /// `Exit codes: 0 ok; 2 usage or configuration error; …`, shown in the help of `run` and `backfill`.
    public static var summary: String {
        "Exit codes: " + meanings.map { "\($0.code) \($0.meaning)" }.joined(separator: "; ") + "."
    }
}
