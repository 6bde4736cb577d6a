import ArgumentParser
import Foundation
import PostgresClient
import Segflow
import SegflowTestSupport
import Testing
@testable import SegflowCLI

/// `segflow evaluate` as a user runs it: the built executable against a generated store.
@Suite(.serialized) struct EvaluateCommandTests {
    /// A store and a pipeline file without gates, with `models.penalizer: 0.001` instead of the catalog's 0.0001 (the unpenalised
    /// fits do not converge on generated stores; docs/models.md, "Evaluation").
    static let fixture = Result { () throws -> (store: RunTestStore, pipeline: String) in
        let store = try RunTestStore.make("evaluate_cli", customers: 1_000, seed: 5)
        let file = try RunTestStore.pipelineFileWithoutGates()
        let original = try String(contentsOfFile: file, encoding: .utf8)
        let text = original.replacingOccurrences(of: "\n  penalizer: 0.0001\n", with: "\n  penalizer: 0.001\n")
        struct PenalizerLineMoved: Error {}
        guard text != original else { throw PenalizerLineMoved() }
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return (store, file)
    }

    func evaluate(_ extra: [String], from: String = "2026-03-31", to: String = "2026-06-30") throws -> SegflowExecutable.Outcome {
        let (store, pipeline) = try Self.fixture.get()
        return try SegflowExecutable.run([
            "evaluate", "-d", store.connectionString, "--pipeline", pipeline, "--calibration-end", from, "--holdout-end", to,
            "--workers", "2", "--retry-for", "0", "--log-level", "error",
        ] + extra)
    }

    @Test func jsonIsOneDocumentAndTheRowIsStored() throws {
        let outcome = try evaluate(["--json", "--log-format", "json"])
        #expect(outcome.status == 0, "\(outcome)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any])
        #expect(Set(document.keys) == [
            "evaluation_id", "pipeline", "config_hash", "calibration_end", "holdout_end", "holdout_days", "time_unit", "penalizer",
            "purchase_model", "spend_model", "customers", "holdout_buyers", "purchases", "spend", "calibration", "seconds",
        ])
        #expect(document["calibration_end"] as? String == "2026-03-31" && document["holdout_days"] as? Int == 91)
        let purchaseModel = try #require(document["purchase_model"] as? [String: Any])
        #expect(purchaseModel["status"] as? String == "converged")
        #expect(Set((purchaseModel["parameters"] as? [String: Double] ?? [:]).keys) == ["r", "alpha", "a", "b"])
        let purchases = try #require(document["purchases"] as? [String: Any])
        let model = try #require(purchases["model"] as? [String: Double])
        #expect(Set(model.keys) == ["predicted_total", "predicted_mean", "mae", "rmse"])
        #expect(purchases["baseline"] is [String: Double] && purchases["mae_ratio"] is Double)
        let calibration = try #require(document["calibration"] as? [[String: Any]])
        #expect(calibration.map { $0["label"] as? String ?? "" }.last == "7+")
        #expect(calibration.reduce(0) { $0 + ($1["customers"] as? Int ?? 0) } == document["customers"] as? Int)

        let id = try #require(document["evaluation_id"] as? String)
        let (store, _) = try Self.fixture.get()
        #expect(try store.rows("""
            select customers::text, purchase_fit_status, model_purchases::text from segflow.model_evaluations where evaluation_id = '\(id)'
            """) == [["\(document["customers"] as? Int ?? -1)", "converged", "\(model["predicted_total"] ?? .nan)"]])
    }

    @Test func textShowsFitsMetricsLiftAndTheCalibrationTable() throws {
        let outcome = try evaluate([])
        #expect(outcome.status == 0, "\(outcome)")
        let text = outcome.standardOutput
        for expected in ["fitted on 2026-03-31, holdout after it to 2026-06-30 (91 days)", "purchase model bg_nbd (time unit: days): converged  r=",
                         "spend model gamma_gamma: converged  p=", "PREDICTED TOTAL", "model vs baseline: MAE ", "FREQUENCY", "7+"] {
            #expect(text.contains(expected), "missing \(expected):\n\(text)")
        }
    }

    @Test func aFitThatFailsIsReportedStoredAndExitsOne() throws {
        // Before the store's first order: nobody to fit.
        let outcome = try evaluate(["--log-format", "text"], from: "2020-01-31", to: "2020-03-31")
        #expect(outcome.status == 1, "\(outcome)")
        #expect(outcome.standardOutput.contains("purchase model bg_nbd (time unit: days): failed"), "\(outcome)")
        #expect(outcome.standardError.contains("segflow: the bg_nbd fit did not converge (status failed): "), "\(outcome)")
        let (store, _) = try Self.fixture.get()
        #expect(try store.count("select count(*) from segflow.model_evaluations where calibration_end = '2020-01-31' and purchase_fit_status = 'failed'") == 1)
    }

    @Test func aCalibrationEndNotBeforeTheHoldoutEndIsAUsageErrorBeforeConnecting() throws {
        // An unreachable database: a connection attempt would be exit 75 or 1, not 2.
        let outcome = try SegflowExecutable.run([
            "evaluate", "-d", "host=/nonexistent dbname=none", "--calibration-end", "2026-06-30", "--holdout-end", "2026-06-30",
            "--retry-for", "0",
        ])
        #expect(outcome.status == 2, "\(outcome)")
        #expect(outcome.standardError.contains("--calibration-end 2026-06-30 must be before --holdout-end 2026-06-30"), "\(outcome)")
        #expect(throws: (any Error).self) {
            try EvaluateCommand.parse(["--calibration-end", "2026-07-01", "--holdout-end", "2026-06-30"])
        }
    }
}
