import Foundation
import PostgresClient
import SegflowTestSupport
import Testing
@testable import SegflowCLI
@testable import SegflowPublish

@Suite struct RunHistoryTests {
    /// A migrated schema with a succeeded run (and its snapshot), a failed run and a running one.
    private func ledgerWithRuns() throws -> (PostgresConnection, succeeded: RunID, failed: RunID, running: RunID) {
        let (_, connection) = try LoadTestDatabase.migrated("status_runs")
        let ledger = RunLedger(connection: connection, logger: LoadTestDatabase.logger)
        let day = try #require(PostgresDate(iso: "2026-06-30"))
        let succeeded = try ledger.start(RunStart(command: "run", pipeline: "default", asOf: day, configHash: "abc123",
                                                  segflowVersion: "test"))
        try ledger.finish(succeeded, status: .succeeded, exitCode: 0, timings: ["extract": 1.5],
                          rowCounts: ["orders_in": 1_000, "customers_in": 200, "customer_features": 190],
                          quarantineCounts: ["orders": ["duplicate": 3, "negative_amount": 2], "customers": ["test_account": 10]])
        try connection.execute("""
            insert into segflow.snapshots (as_of, run_id, config_hash, customers, memberships, quarantined)
            values (\(day), \(succeeded)::uuid, 'abc123', 190, 380, 15)
            """)
        let failed = try ledger.start(RunStart(command: "run", pipeline: "default", asOf: day, segflowVersion: "test"))
        try ledger.finish(failed, status: .failed, exitCode: 1,
                          error: "connection to host=db password=Hunter2Secret failed\nsecond line")
        let running = try ledger.start(RunStart(command: "backfill", pipeline: "default", segflowVersion: "test"))
        // Distinct start times, oldest first, so the order is certain.
        try connection.execute("update segflow.runs set started_at = now() - interval '3 minutes', finished_at = now() - interval '1 minute' where run_id = \(succeeded)::uuid")
        try connection.execute("update segflow.runs set started_at = now() - interval '2 minutes' where run_id = \(failed)::uuid")
        return (connection, succeeded, failed, running)
    }

    @Test func recentRunsAndSnapshotsAreReadNewestFirstWithTotals() throws {
        let (connection, succeeded, failed, running) = try ledgerWithRuns()
        let overview = try RunHistory(connection: connection, schema: "segflow").overview(limit: 10)
        #expect(overview.runs.map(\.runID) == [running, failed, succeeded].map(\.description))
        #expect(overview.runs.map(\.status) == ["running", "failed", "succeeded"])
        let done = overview.runs[2]
        #expect(done.asOf == "2026-06-30")
        #expect(done.rowsIn == 1_200)        // orders_in + customers_in, not the published rows
        #expect(done.quarantined == 15)
        #expect(done.exitCode == 0)
        #expect(abs((done.durationSeconds ?? 0) - 120) < 1)
        #expect(done.startedAt.hasSuffix("Z"))
        #expect(overview.runs[1].error == "connection to host=db password=*** failed")
        #expect(overview.runs[0].finishedAt == nil)
        #expect(overview.runs[0].rowsIn == nil)
        #expect(overview.snapshots.map(\.asOf) == ["2026-06-30"])
        #expect(overview.snapshots.first?.customers == 190)
        #expect(overview.snapshots.first?.configHash == "abc123")
        #expect(overview.snapshots.first?.runID == succeeded.description)

        let limited = try RunHistory(connection: connection, schema: "segflow").overview(limit: 1)
        #expect(limited.runs.map(\.runID) == [running.description])
    }

    @Test func aLedgerWithNewColumnsAndStatusesStillReads() throws {
        let (connection, _, failed, _) = try ledgerWithRuns()
        try connection.simpleQuery("""
            alter table segflow.runs drop constraint runs_status_check;
            alter table segflow.runs add column gate text;
            """)
        try connection.execute("update segflow.runs set status = 'gate_failed', exit_code = 65, gate = 'orders.min_rows' where run_id = \(failed)::uuid")
        let runs = try RunHistory(connection: connection, schema: "segflow").runs(limit: 10)
        #expect(runs.count == 3)
        #expect(runs.first { $0.runID == failed.description }?.status == "gate_failed")
        #expect(runs.first { $0.runID == failed.description }?.exitCode == 65)
    }

    @Test func aSchemaNeverMigratedIsRefused() throws {
        let database = try LoadTestDatabase.make("status_empty")
        let connection = try database.connect()
        #expect(throws: SchemaOutdatedError.self) { try RunHistory(connection: connection, schema: "segflow").overview(limit: 5) }
    }

    @Test func theTableShowsEveryRunAndSnapshotAligned() throws {
        let (connection, succeeded, _, _) = try ledgerWithRuns()
        let overview = try RunHistory(connection: connection, schema: "segflow").overview(limit: 10)
        let lines = StatusTable(overview: overview).text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "runs in schema \"segflow\", newest first:")
        #expect(lines[1].hasPrefix("  RUN       COMMAND   AS OF       STATUS     STARTED (UTC)"))
        let done = try #require(lines.first { $0.hasPrefix("  \(succeeded.description.prefix(8))") })
        #expect(done.contains("  run       2026-06-30  succeeded  "))
        #expect(done.contains("2m00s"))
        #expect(done.contains("1200"))
        #expect(lines.contains { $0.contains("password=***") })
        #expect(!lines.contains { $0.contains("Hunter2Secret") })
        // The columns line up: every row's STATUS starts where the header's does.
        let statusColumn = try #require(lines[1].range(of: "STATUS")).lowerBound.utf16Offset(in: lines[1])
        for line in lines[2...4] {
            let status = String(line.dropFirst(statusColumn).prefix(7))
            #expect(["running", "failed ", "succeed"].contains(status), "\(line)")
        }
        #expect(lines.contains("published snapshots, newest first:"))
        #expect(lines.contains { $0.hasPrefix("  2026-06-30        190") })
    }
}
