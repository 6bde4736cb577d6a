import Dispatch
import Foundation
import Logging
import PostgresClient

/// Says in the log what a statement is waiting for when it waits on a lock: every
/// `interval` seconds while `body` runs, it looks up (on a connection of its own, opened
/// only then) which of the watched backends wait for a lock, on which relation and behind
/// which process. The wait itself is bounded by the sessions' `lock_timeout`.
package final class LockWaitMonitor: @unchecked Sendable {
    private let configuration: PostgresConfiguration
    private let what: String
    private let logger: Logger
    private let interval: Double
    private let lock = NSLock()
    private var pids: [Int32]
    private var stopped = false
    private var connection: PostgresConnection?

    init(configuration: PostgresConfiguration, what: String, pids: [Int32], logger: Logger, interval: Double = 5) {
        self.configuration = configuration
        self.what = what
        self.pids = pids
        self.logger = logger
        self.interval = interval
    }

    /// Runs `body` while watching `pids` (the backends `body` uses).
    package static func watching<T>(_ pids: [Int32], what: String, configuration: PostgresConfiguration, logger: Logger,
                            interval: Double = 5, _ body: () throws -> T) throws -> T {
        let monitor = LockWaitMonitor(configuration: configuration, what: what, pids: pids, logger: logger, interval: interval)
        monitor.schedule()
        defer { monitor.stop() }
        return try body()
    }

    /// How often to look: within the timeout, so a wait is logged before the run gives up.
    package static func interval(_ lockTimeout: Double) -> Double {
        min(5, max(0.2, lockTimeout / 4))
    }

    private func schedule() {
        DispatchQueue.global().asyncAfter(deadline: .now() + interval) { [self] in
            guard lock.withLock({ !stopped }) else { return }
            report()
            schedule()
        }
    }

    func stop() {
        lock.withLock {
            stopped = true
            connection?.close()
            connection = nil
        }
    }

    /// One look at pg_locks; failures are ignored (this only informs).
    private func report() {
        lock.withLock {
            guard !stopped else { return }
            do {
                if connection?.isOpen != true { connection = try PostgresConnection(configuration, logger: logger) }
                guard let connection else { return }
                let list = "{" + pids.map(String.init).joined(separator: ",") + "}"
                let waits = try connection.execute("""
                    select l.pid, coalesce(format('%I.%I', n.nspname, c.relname), l.locktype) as target, l.mode,
                           pg_blocking_pids(l.pid)::text as blockers
                    from pg_locks l
                    left join pg_class c on c.oid = l.relation
                    left join pg_namespace n on n.oid = c.relnamespace
                    where not l.granted and l.pid = any(\(list)::int4[])
                    """)
                for row in waits.rows {
                    logger.warning("waiting for a lock", metadata: [
                        "for": .string(what), "waiting_for": .string(row["target"].string ?? "?"),
                        "mode": .string(row["mode"].string ?? "?"), "blocked_by_pids": .string(row["blockers"].string ?? "?"),
                    ])
                }
            } catch {
                logger.debug("could not look up lock waits", metadata: ["error": .string("\(error)")])
            }
        }
    }
}
