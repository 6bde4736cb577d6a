import PostgresClient

/// A statement waited for a table lock for longer than the lock timeout (`lock_timeout`,
/// SQLSTATE 55P03): another session holds the table. Worth running again later (exit 75).
public struct LockWaitTimeoutError: SegflowError {
    public var code: SegflowErrorCode { .tableLockTimeout }
    /// What was waiting: "extracting source orders", "publishing snapshot 2026-06-30".
    public var waiting: String
    public var seconds: Double
    public var description: String {
        "gave up \(waiting) after waiting \(String(format: "%g", seconds)) s for a table lock held by another session "
            + "(see the 'waiting for a lock' log lines; --table-lock-timeout)"
    }

    /// The SQLSTATE of a wait the server's lock_timeout ended.
    package static let sqlState = "55P03"

    /// `error` as a lock-wait timeout when it is one (55P03), else unchanged.
    package static func wrapping(_ error: any Error, waiting: String, seconds: Double) -> any Error {
        guard let error = error as? PostgresError, error.sqlState == sqlState else { return error }
        return LockWaitTimeoutError(waiting: waiting, seconds: seconds)
    }
}
