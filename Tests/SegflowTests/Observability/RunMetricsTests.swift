import Foundation
import Metrics
import PostgresClient
import PrometheusExport
@testable import Segflow
@testable import SegflowCLI
@testable import SegflowEngine
import Testing

@Suite struct RunMetricsTests {
    @Test func aRecordedRunRendersEveryMetricWithItsLabels() throws {
        let backend = PrometheusBackend(help: RunMetrics.help)
        let metrics = RunMetrics(factory: backend)
        let asOf = try #require(PostgresDate(iso: "2026-06-30"))
        let utc = try #require(TimeZone(identifier: "UTC"))
        let cutoff = RunMetrics.cutoff(asOf: asOf, timeZone: utc)
        metrics.record(
            asOf: asOf, timeZone: utc,
            stageSeconds: ["extract": 2.5, "load": 1],
            sources: [.init(source: "orders", rowsIn: 10, rowsKept: 8, rowsRejected: 2,
                            byReason: ["duplicate": 2, "repaired:currency": 1])],
            customers: 5, memberships: 9, status: "succeeded", exitCode: 0, runSeconds: 4,
            now: cutoff.addingTimeInterval(3600)
        )
        metrics.recordModelFits([
            ModelFitRecord(model: "bg_nbd", component: .purchase, timeUnit: "days", status: "converged", reason: nil,
                           parameterNames: ["r"], parameters: [1], standardErrors: nil, logLikelihood: -1, customers: 3,
                           distinctRows: 3, iterations: 5, evaluations: 6, penalizer: 0, seconds: 0),
            ModelFitRecord(model: "gamma_gamma", component: .spend, timeUnit: nil, status: "not_converged", reason: "limit",
                           parameterNames: ["p"], parameters: [1], standardErrors: nil, logLikelihood: -1, customers: 2,
                           distinctRows: 2, iterations: 5, evaluations: 6, penalizer: 0, seconds: 0),
        ])
        let text = backend.render()
        // Sorted: the registry emits families in no fixed order; gauges print as Double.
        let samples = text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map(String.init).sorted()
        #expect(samples == [
            #"segflow_model_fit_converged{model="bg_nbd"} 1.0"#,
            #"segflow_model_fit_converged{model="gamma_gamma"} 0.0"#,
            "segflow_published_customers 5.0",
            "segflow_published_memberships 9.0",
            #"segflow_quarantined_rows{action="rejected",reason="duplicate",source="orders"} 2.0"#,
            #"segflow_quarantined_rows{action="repaired",reason="currency",source="orders"} 1.0"#,
            "segflow_run_duration_seconds 4.0",
            "segflow_run_exit_code 0.0",
            "segflow_run_finished_timestamp_seconds \(Double(Int(cutoff.timeIntervalSince1970) + 3600))",
            #"segflow_run_status{status="succeeded"} 1.0"#,
            "segflow_snapshot_age_seconds 3600.0",
            "segflow_snapshot_as_of_timestamp_seconds \(Double(Int(cutoff.timeIntervalSince1970)))",
            "segflow_snapshots_published_total 1",
            #"segflow_source_rows_in{source="orders"} 10.0"#,
            #"segflow_source_rows_out{source="orders"} 8.0"#,
            #"segflow_source_rows_rejected{source="orders"} 2.0"#,
            #"segflow_stage_duration_seconds{stage="extract"} 2.5"#,
            #"segflow_stage_duration_seconds{stage="load"} 1.0"#,
        ])
        // Every metric has help text and a type line.
        for name in RunMetrics.help.keys {
            #expect(text.contains("# HELP \(name) "), "\(name)")
            #expect(text.contains("# TYPE \(name) "), "\(name)")
        }
        #expect(text.contains("# TYPE segflow_snapshots_published_total counter"))
        #expect(text.contains("# TYPE segflow_stage_duration_seconds gauge"))
    }

    @Test func theCutoffIsTheFirstInstantOfTheNextDayInThePipelineTimezone() throws {
        let asOf = try #require(PostgresDate(iso: "2026-06-30"))
        let berlin = try #require(TimeZone(identifier: "Europe/Berlin"))
        // 2026-07-01 00:00 CEST is 2026-06-30 22:00 UTC.
        #expect(RunMetrics.cutoff(asOf: asOf, timeZone: berlin).timeIntervalSince1970 == 1_782_856_800)
    }
}

@Suite struct RunMetricsSourceCountsTests {
    @Test func sourceCountsTakeTheQuarantineLogsFigures() {
        var log = QuarantineLog(source: "orders")
        log.receive(count: 5)
        log.reject(key: "1", reason: .duplicate, raw: [])
        log.repair(key: "2", reason: .unknownCurrency, raw: [])
        let counts = RunMetrics.SourceCounts(log)
        #expect(counts.source == "orders")
        #expect([counts.rowsIn, counts.rowsKept, counts.rowsRejected] as [Int] == [5, 4, 1])
        #expect(counts.byReason == ["duplicate": 1, "repaired:unknown_currency": 1])
    }
}
