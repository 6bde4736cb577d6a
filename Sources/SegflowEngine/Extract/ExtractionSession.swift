import Dispatch
import Foundation
import Logging
import PostgresClient

/// Reads sources over several connections that all see one snapshot of the database.
///
/// The first connection opens a read-only repeatable-read transaction and exports its
/// snapshot; the others adopt it, so parallel COPY streams read a consistent state even
/// while the store keeps writing.
final class ExtractionSession {
    private let configuration: PostgresConfiguration
    private let logger: Logger
    private var connections: [PostgresConnection] = []
    private var snapshotID: String?
    let cutoff: PostgresTimestamp
    /// Seconds a COPY may wait for a lock on a source table (a session holding it
    /// exclusively, such as a long ALTER or TRUNCATE) before the run gives up.
    let lockTimeout: Double

    init(configuration: PostgresConfiguration, cutoff: PostgresTimestamp, lockTimeout: Double, logger: Logger) {
        self.configuration = configuration
        self.cutoff = cutoff
        self.lockTimeout = lockTimeout
        self.logger = logger
    }

    deinit {
        for connection in connections {
            _ = try? connection.simpleQuery("rollback")
        }
    }

    /// The `index`-th reader connection, opened on first use inside the shared snapshot.
    func connection(_ index: Int) throws -> PostgresConnection {
        while connections.count <= index {
            let connection = try PostgresConnection(configuration, logger: logger)
            try connection.simpleQuery("begin isolation level repeatable read read only")
            if let snapshotID {
                try connection.useSnapshot(snapshotID)
            } else {
                snapshotID = try connection.exportSnapshot()
            }
            // After the snapshot: SET TRANSACTION SNAPSHOT must come first.
            try connection.setLockTimeout(seconds: lockTimeout, local: true)
            connections.append(connection)
        }
        return connections[index]
    }

    /// The planner's row count of a mapped table (`pg_class.reltuples`), to reserve memory
    /// up front instead of doubling arrays; nil for a query mapping, a table never analysed
    /// or any error (it is only an estimate).
    func estimatedRows(_ mapping: SourceMapping) -> Int? {
        guard case .table(let name) = mapping,
              let result = try? connection(0).execute(
                  "select coalesce((select reltuples::int8 from pg_class where oid = to_regclass(\(name)::text)), -1) as n"),
              let rows = result[0]["n"].int64, rows > 0 else { return nil }
        return Int(min(rows, 1 << 31))
    }

    /// One COPY to run: the statement and the row handler, with a name for logs.
    struct Task {
        var source: SourceName
        var label: String
        var sql: String
        var handle: (BinaryCopyRow) throws -> Void
        var finish: () throws -> Void = {}
    }

    /// Runs the tasks at once, one connection each, and waits for all; rethrows the first error.
    /// Each task's handler runs on its own thread and must only touch state no other
    /// task of the same call touches.
    func runConcurrently(_ tasks: [Task]) throws -> [String: (rows: Int, seconds: Double)] {
        let connections = try tasks.indices.map { try connection($0) }
        let results = ResultBox(count: tasks.count)
        let group = DispatchGroup()
        for (index, task) in tasks.enumerated() {
            let work = UncheckedSendable((task, connections[index]))
            // A thread of its own: the handler blocks on the connection for the whole COPY.
            Parallel.startThread(name: "segflow-extract-\(task.label)", group: group) {
                let (task, connection) = work.value
                let started = Date()
                do {
                    let rows = try connection.copyOut(task.sql, task.handle)
                    try task.finish()
                    results.set(index, .success((rows, Date().timeIntervalSince(started))))
                } catch {
                    results.set(index, .failure(error))
                }
            }
        }
        try LockWaitMonitor.watching(connections.map(\.backendPID), what: "extract " + tasks.map(\.label).joined(separator: ", "),
                                     configuration: configuration, logger: logger, interval: LockWaitMonitor.interval(lockTimeout)) {
            group.wait()
        }
        var timings: [String: (rows: Int, seconds: Double)] = [:]
        for (index, task) in tasks.enumerated() {
            let timing: (rows: Int, seconds: Double)
            do {
                timing = try results.get(index)
            } catch {
                throw LockWaitTimeoutError.wrapping(error, waiting: "extracting source \(task.label)", seconds: lockTimeout)
            }
            timings[task.label] = timing
            logger.debug("extracted", metadata: ["stage": "extract", "source": "\(task.label)", "rows": "\(timing.rows)", "rows_in": "\(timing.rows)", "seconds": "\(String(format: "%.2f", timing.seconds))"])
        }
        return timings
    }

    /// Ends the read transactions.
    func close() {
        for connection in connections {
            _ = try? connection.simpleQuery("commit")
            connection.close()
        }
        connections.removeAll()
    }
}

/// Results written by worker threads, read after they finish.
private final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Result<(rows: Int, seconds: Double), any Error>?]

    init(count: Int) {
        results = Array(repeating: nil, count: count)
    }

    func set(_ index: Int, _ result: Result<(rows: Int, seconds: Double), any Error>) {
        lock.withLock { results[index] = result }
    }

    func get(_ index: Int) throws -> (rows: Int, seconds: Double) {
        guard let result = lock.withLock({ results[index] }) else {
            throw EngineInvariantError("extract task \(index) did not finish")
        }
        return try result.get()
    }
}

/// Hands a value to another thread when the code guarantees it is not shared meanwhile.
struct UncheckedSendable<Value>: @unchecked Sendable {
    var value: Value
    init(_ value: Value) { self.value = value }
}
