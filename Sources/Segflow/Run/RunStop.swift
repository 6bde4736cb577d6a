import Foundation
import PostgresClient

/// A stop asked for from outside the work (the executable's SIGTERM or SIGINT handler):
/// cancels every running statement (`PostgresCancellation.cancelAll()`), so the work fails
/// at once, rolls back and releases its locks; `SnapshotJob` then records its unfinished
/// runs as `cancelled`, and `RunExitCode` gives the stop's exit code (143 or 130) for any
/// failure that follows. A snapshot already published stays published.
public enum RunStop {
    public struct Request: Sendable {
        /// The process's exit code for this stop (`RunExitCode.terminated` or `.interrupted`).
        public var exitCode: Int32
        /// What stopped it, for the ledger and the log (`SIGTERM`).
        public var reason: String
    }

    private final class Box: @unchecked Sendable {
        let lock = NSLock()
        var request: Request?
    }

    private static let box = Box()

    /// The first stop requested, if any.
    public static var requested: Request? { box.lock.withLock { box.request } }

    /// Records the stop (the first one wins) and cancels every running statement. Call
    /// again to cancel statements that started while the first cancel was on its way.
    public static func request(exitCode: Int32, reason: String) {
        box.lock.withLock {
            if box.request == nil { box.request = Request(exitCode: exitCode, reason: reason) }
        }
        PostgresCancellation.cancelAll()
    }
}
