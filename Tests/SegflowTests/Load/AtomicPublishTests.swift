import Foundation
import PostgresClient
import SegflowTestSupport
import Testing
@testable import SegflowPublish

/// Readers on other connections see a whole snapshot or none of it, whatever happens to
/// the publisher. Serialized: each test loads hundreds of thousands of rows.
@Suite(.serialized) struct AtomicPublishTests {
    /// The size of the big publish; the other tests use half (debug builds encode slowly).
    private static let customers = Int(ProcessInfo.processInfo.environment["SEGFLOW_ATOMIC_CUSTOMERS"] ?? "") ?? 200_000
    private static let smaller = customers / 2
    private let january = PostgresDate.day("2024-01-31")
    private let february = PostgresDate.day("2024-02-29")

    /// What a reader saw in one statement.
    struct Observation: Hashable, CustomStringConvertible {
        var asOf: String?
        var customers: Int
        var frequencySum: Int
        var memberships: Int
        var description: String { "\(asOf ?? "none"): \(customers) customers, Σfrequency \(frequencySum), \(memberships) memberships" }
    }

    /// The observation a whole snapshot made by `LargeSnapshot.make` gives.
    private func complete(_ asOf: PostgresDate, customers: Int, version: Int) -> Observation {
        Observation(asOf: asOf.description, customers: customers, frequencySum: customers * version, memberships: customers + (customers + 1) / 2)
    }

    @Test func readersSeeTheOldOrTheNewSnapshotWhileANewAsOfIsPublished() throws {
        let (database, connection) = try LoadTestDatabase.migrated("atomic_new")
        let publisher = try SnapshotPublisher(connection: connection, logger: LoadTestDatabase.logger)
        let oldCount = Self.customers / 2
        try publisher.publish(LargeSnapshot.make(asOf: january, customers: oldCount, version: 1))

        // One statement per poll: its snapshot covers the view's max(as_of) and the rows.
        let reader = PollingReader(database: database, sql: """
            select (select max(as_of) from segflow.snapshots)::text,
                   (select count(*) from segflow.current_customer_features),
                   (select coalesce(sum(frequency), 0) from segflow.current_customer_features),
                   (select count(*) from segflow.current_customer_segments)
            """)
        reader.start()
        try publisher.publish(LargeSnapshot.make(asOf: february, customers: Self.customers, version: 2))
        let seen = try reader.stop(afterSeeing: complete(february, customers: Self.customers, version: 2))

        let allowed: Set = [complete(january, customers: oldCount, version: 1), complete(february, customers: Self.customers, version: 2)]
        #expect(seen.isSubset(of: allowed), "saw \(seen.subtracting(allowed))")
        #expect(seen.contains(complete(january, customers: oldCount, version: 1)), "the reader never ran during the publish")
    }

    @Test func readersSeeTheOldOrTheNewRowsWhileAnAsOfIsRepublished() throws {
        let (database, connection) = try LoadTestDatabase.migrated("atomic_again")
        let publisher = try SnapshotPublisher(connection: connection, logger: LoadTestDatabase.logger)
        let oldCount = Self.smaller / 2
        try publisher.publish(LargeSnapshot.make(asOf: january, customers: oldCount, version: 1))

        let reader = PollingReader(database: database, sql: """
            select (select max(as_of) from segflow.snapshots)::text,
                   (select count(*) from segflow.customer_features where as_of = '2024-01-31'),
                   (select coalesce(sum(frequency), 0) from segflow.customer_features where as_of = '2024-01-31'),
                   (select count(*) from segflow.customer_segments where as_of = '2024-01-31')
            """)
        reader.start()
        try publisher.publish(LargeSnapshot.make(asOf: january, customers: Self.smaller, version: 3))
        let seen = try reader.stop(afterSeeing: complete(january, customers: Self.smaller, version: 3))

        let allowed: Set = [complete(january, customers: oldCount, version: 1), complete(january, customers: Self.smaller, version: 3)]
        #expect(seen.isSubset(of: allowed), "saw \(seen.subtracting(allowed))")
        #expect(seen.contains(complete(january, customers: oldCount, version: 1)), "the reader never ran during the publish")
    }

    @Test func aPublishKilledDuringCopyLeavesTheOldSnapshotIntact() throws {
        try killPublish(
            prefix: "atomic_kill_copy",
            // Mid-COPY of the features.
            when: "query ilike 'copy %customer_features%' and state = 'active'",
            hold: nil
        )
    }

    @Test func aPublishKilledAfterItsSwapStatementsLeavesTheOldSnapshotIntact() throws {
        try killPublish(
            prefix: "atomic_kill_late",
            // At the very end: features already swapped, KPIs and snapshots row written,
            // waiting (on the lock held below) to drop the old memberships partition.
            when: "wait_event_type = 'Lock' and query ilike '%drop table%customer_segments%'",
            hold: "lock table segflow.customer_segments in access share mode"
        )
    }

    /// Republishes January (bigger, version 3) on another thread and terminates its
    /// backend once `condition` holds in pg_stat_activity; January version 1 must remain.
    /// `hold` runs in an open transaction on a third connection during the publish.
    private func killPublish(prefix: String, when condition: String, hold: String?) throws {
        let (database, connection) = try LoadTestDatabase.migrated(prefix)
        let publisher = try SnapshotPublisher(connection: connection, logger: LoadTestDatabase.logger)
        let oldCount = Self.smaller / 4
        let oldRun = RunID()
        try publisher.publish(LargeSnapshot.make(asOf: january, customers: oldCount, version: 1, runID: oldRun))
        let before = try connection.texts("select * from segflow.segment_kpis order by segmentation_key, segment_key")

        let holder = try database.connect()
        if let hold {
            try holder.simpleQuery("begin; \(hold)")
        }
        let application = "segflow-kill-\(UInt32.random(in: 0...UInt32.max))"
        let outcome = PublishOutcome()
        let customers = Self.smaller
        let thread = Thread {
            do {
                let victim = try PostgresConnection(
                    PostgresConfiguration(connectionString: database.connectionString, applicationName: application),
                    logger: LoadTestDatabase.logger
                )
                // A short swap wait would fail the publish on its own; wait long enough to be killed.
                let publisher = try SnapshotPublisher(connection: victim, logger: LoadTestDatabase.logger)
                publisher.swapLockTimeout = 30
                try publisher.publish(LargeSnapshot.make(asOf: PostgresDate.day("2024-01-31"), customers: customers, version: 3))
                outcome.finish(nil)
            } catch {
                outcome.finish(error)
            }
        }
        thread.start()

        let killer = try database.connect()
        let deadline = Date().addingTimeInterval(300)
        var killed = false
        while !killed, !outcome.isFinished, Date() < deadline {
            let rows = try killer.execute("""
                select pg_terminate_backend(pid) from pg_stat_activity
                where application_name = \(application) and \(unescaped: condition)
                """)
            killed = rows.rowCount > 0
            if !killed { Thread.sleep(forTimeInterval: 0.005) }
        }
        let error = try outcome.wait(timeout: 300)
        if hold != nil { try holder.simpleQuery("rollback") }
        #expect(killed, "the publish finished before it could be killed")
        let failure = try #require(error as? PostgresError, "the publish did not fail: \(String(describing: error))")
        #expect(failure.code == .connectionFailed)

        // Everything is as the first publish left it.
        #expect(try connection.texts("select count(*), sum(frequency) from segflow.customer_features where as_of = '2024-01-31'") == [
            [String(oldCount), String(oldCount)],
        ])
        #expect(try connection.texts("select run_id::text, customers from segflow.snapshots") == [[oldRun.description, String(oldCount)]])
        #expect(try connection.texts("select * from segflow.segment_kpis order by segmentation_key, segment_key") == before)
        #expect(try connection.execute("""
            select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname in ('segflow', 'segflow_partitions') and c.relname like '%\\_new%'
            """)[0][0].int == 0)

        // And the next publish works.
        try publisher.publish(LargeSnapshot.make(asOf: january, customers: 10, version: 5))
        #expect(try connection.texts("select count(*), sum(frequency) from segflow.customer_features where as_of = '2024-01-31'") == [["10", "50"]])
    }
}

/// Polls one query on its own connection and thread, collecting distinct results.
final class PollingReader: @unchecked Sendable {
    private let database: LoadTestDatabase
    private let sql: String
    private let lock = NSLock()
    private var seen: Set<AtomicPublishTests.Observation> = []
    private var polls = 0
    private var stopping = false
    private var failure: (any Error)?
    private let done = DispatchSemaphore(value: 0)

    init(database: LoadTestDatabase, sql: String) {
        self.database = database
        self.sql = sql
    }

    func start() {
        let started = DispatchSemaphore(value: 0)
        Thread.detachNewThread { [self] in
            defer { done.signal() }
            do {
                let connection = try database.connect()
                var first = true
                while !lock.withLock({ stopping }) {
                    let row = try connection.execute(PostgresQuery(unsafeSQL: sql))[0]
                    let observation = AtomicPublishTests.Observation(
                        asOf: row[0].string, customers: row[1].int ?? -1, frequencySum: row[2].int ?? -1, memberships: row[3].int ?? -1
                    )
                    lock.withLock {
                        seen.insert(observation)
                        polls += 1
                    }
                    if first { started.signal(); first = false }
                    // Leave the publisher some of the two cores.
                    Thread.sleep(forTimeInterval: 0.005)
                }
            } catch {
                lock.withLock { failure = error }
                started.signal()
            }
        }
        // Make sure the old state has been observed before the publish starts.
        started.wait()
    }

    /// Keeps polling until `expected` was seen (or 30 s), then stops and returns what was seen.
    func stop(afterSeeing expected: AtomicPublishTests.Observation) throws -> Set<AtomicPublishTests.Observation> {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, !lock.withLock({ seen.contains(expected) || failure != nil }) {
            Thread.sleep(forTimeInterval: 0.01)
        }
        lock.withLock { stopping = true }
        done.wait()
        return try lock.withLock {
            if let failure { throw failure }
            return seen
        }
    }
}

/// The result of a publish running on another thread.
final class PublishOutcome: @unchecked Sendable {
    private let lock = NSLock()
    private var result: (any Error)??
    private let done = DispatchSemaphore(value: 0)

    func finish(_ error: (any Error)?) {
        lock.withLock { result = .some(error) }
        done.signal()
    }

    var isFinished: Bool { lock.withLock { result != nil } }

    /// The publish's error, nil if it succeeded.
    func wait(timeout: Double) throws -> (any Error)? {
        guard done.wait(timeout: .now() + timeout) == .success else {
            throw PostgresError(code: .invalidUsage, message: "the publish did not finish in \(timeout) s")
        }
        return lock.withLock { result ?? nil }
    }
}
