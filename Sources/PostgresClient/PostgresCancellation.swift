import Foundation

/// Stops every statement of the process at once, for a polite shutdown (the executable's
/// SIGTERM and SIGINT handlers): `cancelAll()` sends a cancel request (`PQcancel`) to each
/// open connection and from then on refuses new statements and new connections, so work
/// between statements stops at its next statement instead of publishing anything.
///
/// Connections whose configuration sets `cancelledByCancelAll = false` (the run ledger's,
/// which records the stop) are left alone. Safe from any thread.
public enum PostgresCancellation {
    private final class Registry: @unchecked Sendable {
        let lock = NSLock()
        var nextID = 0
        var live: [Int: PostgresCanceller] = [:]
        var requested = false
    }

    private static let registry = Registry()

    /// True once `cancelAll()` was called: cancellable connections refuse further work.
    public static var isRequested: Bool {
        registry.lock.withLock { registry.requested }
    }

    /// Cancels the running statement of every cancellable connection and refuses their
    /// further statements. May be called again (a statement that started just as the first
    /// request went out is cancelled by the next). Returns how many connections were asked.
    @discardableResult
    public static func cancelAll() -> Int {
        let cancellers = registry.lock.withLock {
            registry.requested = true
            return Array(registry.live.values)
        }
        // Outside the lock: PQcancel opens a connection of its own to the server.
        for canceller in cancellers { try? canceller.cancel() }
        return cancellers.count
    }

    static func register(_ canceller: PostgresCanceller) -> Int {
        registry.lock.withLock {
            registry.nextID += 1
            registry.live[registry.nextID] = canceller
            return registry.nextID
        }
    }

    static func unregister(_ id: Int) {
        _ = registry.lock.withLock { registry.live.removeValue(forKey: id) }
    }

    /// The error a cancellable connection throws once a stop was requested.
    static var stoppingError: PostgresError {
        PostgresError(code: .cancelled, message: "canceling statement: the process is stopping", sqlState: "57014")
    }
}
