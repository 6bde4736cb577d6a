import Foundation
import PostgresClient
@testable import Segflow
@testable import SegflowCLI
@testable import SegflowPublish
import SegflowTestSupport
import Testing

@Suite struct RunHistoryTests {
    @Test func recentRunsAndSnapshotsAreReadNewestFirstWithTotals() throws {
        let fixture = try LedgerFixture.make("status_runs")
        let (connection, succeeded, failed, running) = (fixture.connection, fixture.succeeded, fixture.failed, fixture.running)
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
        let fixture = try LedgerFixture.make("status_runs")
        let (connection, failed) = (fixture.connection, fixture.failed)
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
}
