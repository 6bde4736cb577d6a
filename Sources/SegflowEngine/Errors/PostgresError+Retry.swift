import PostgresClient

/// How a database error bears on retrying, here rather than in `RetryPolicy` (Segflow) so
/// that `ErrorCategory` in the engine can classify database errors too.
extension PostgresError {
    /// Worth another attempt: a transient database error (`isTransient`, which excludes
    /// configuration failures such as a wrong password) that is not a cancel.
    package var isRetryable: Bool { isTransient && !isCancellation }

    /// Worth running the whole command again later (exit 75): a transient failure, or a wait
    /// the server cut short (lock_timeout, statement_timeout 57014), which the same run can
    /// pass once the other session is done.
    package var isWorthRunningLater: Bool {
        isRetryable || sqlState == LockWaitTimeoutError.sqlState || sqlState == "57014"
    }
}
