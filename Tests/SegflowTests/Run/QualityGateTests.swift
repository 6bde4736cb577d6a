import Foundation
import PostgresClient
@testable import Segflow
@testable import SegflowCLI
@testable import SegflowEngine
@testable import SegflowGenerator
@testable import SegflowPipelineFile
import SegflowTestSupport
import Testing

/// Each gate kind stops the run before anything is published, says which gate on which
/// source by how much, marks the ledger row gate_failed and maps to exit 65.
@Suite(.serialized) struct QualityGateTests {
    static let store = Result { try RunTestStore.make("gates", customers: 600, seed: 3, dirtyRate: 0.03) }
    let endDay = GeneratorConfiguration.defaultEndDay

    func expectGateFailure(_ gates: [SourceName: QualityGate], asOf: PostgresDate, gate: String, source: String,
                           message: String) throws {
        let store = try Self.store.get()
        let before = try store.count("select count(*) from segflow.runs")
        let error = #expect(throws: QualityGateError.self) {
            try store.runner(try RunTestStore.pipeline(gates: gates)).run(asOf: asOf)
        }
        let breach = error?.breaches.first
        #expect(breach?.gate == gate)
        #expect(breach?.source == source)
        #expect(error?.description.contains(message) == true, "\(error.map { "\($0)" } ?? "")")
        #expect(error.map(RunExitCode.code(for:)) == 65)
        #expect(try store.count("select count(*) from segflow.snapshots") == 0)
        #expect(try store.count("select count(*) from segflow.quarantine") == 0)
        #expect(try store.rows("select status, exit_code::text from segflow.runs order by started_at desc limit 1")
            == [["gate_failed", "65"]])
        #expect(try store.count("select count(*) from segflow.runs") == before + 1)
    }

    @Test func aQuarantineRateAboveTheMaximumFailsTheRun() throws {
        try expectGateFailure([.orders: QualityGate(maxQuarantineRate: 0.0)], asOf: endDay,
                              gate: "max_quarantine_rate", source: "orders", message: "orders: quarantine rate ")
    }

    @Test func tooFewRowsFailTheRun() throws {
        try expectGateFailure([.customers: QualityGate(minRows: 10_000_000)], asOf: endDay,
                              gate: "min_rows", source: "customers", message: "< min_rows 10000000")
    }

    @Test func staleDataFailsTheRunBeforeExtraction() throws {
        // A month after the data ends, the newest order is older than a day.
        try expectGateFailure([.orders: QualityGate(maxStaleness: PipelineDuration("1d"))], asOf: endDay.adding(days: 30),
                              gate: "max_staleness", source: "orders", message: "> max_staleness 1d")
    }

    @Test func gatesThatHoldLetTheRunPublish() throws {
        let store = try RunTestStore.make("gates_ok", customers: 300, seed: 4)
        let gates: [SourceName: QualityGate] = [
            .orders: QualityGate(maxQuarantineRate: 0.5, minRows: 1, maxStaleness: PipelineDuration("30d")),
            .sessions: QualityGate(maxStaleness: PipelineDuration("30d")),
            .chats: QualityGate(maxStaleness: PipelineDuration("365d")),
            .customers: QualityGate(minRows: 1, maxStaleness: PipelineDuration("365d")),
            .fxRates: QualityGate(maxStaleness: PipelineDuration("2d")),
        ]
        let report = try store.runner(try RunTestStore.pipeline(gates: gates)).run(asOf: endDay)
        #expect(report.customers > 0)
        #expect(try store.rows("select status from segflow.runs") == [["succeeded"]])
    }

    @Test func aBackfillStoppedByAGatePublishesNoSnapshotOfItsBatch() throws {
        let store = try RunTestStore.make("gates_backfill", customers: 400, seed: 8, dirtyRate: 0.03)
        let pipeline = try RunTestStore.pipeline(gates: [.orders: QualityGate(maxQuarantineRate: 0.0)])
        let plan = try BackfillPlan(from: PostgresDate(iso: "2026-04-30") ?? endDay, to: endDay, every: .month)
        #expect(throws: QualityGateError.self) { try BackfillRunner(runner: store.runner(pipeline)).run(plan) }
        #expect(try store.count("select count(*) from segflow.snapshots") == 0)
        #expect(try store.rows("select status, count(*)::text from segflow.runs group by status") == [["gate_failed", "3"]])
    }
}
