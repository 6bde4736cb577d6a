/// A failure of the cluster's own bookkeeping: a system call, a missing system
/// user, an operation on a cluster that was already stopped.
///
/// Failures of the PostgreSQL programs themselves are reported as
/// ``CommandFailedError`` or ``ServerStartError``; missing binaries as
/// ``PostgresBinariesNotFoundError``.
public struct LocalPostgresError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, in one or two sentences.
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { "LocalPostgres: \(message)" }
}
