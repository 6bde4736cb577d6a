import Foundation
import PostgresClient
import SegflowModels
import SegflowTestSupport
import Testing
@testable import Segflow

/// `ModelEvaluator` (docs/models.md, "Evaluation") on generated stores in a real PostgreSQL.
@Suite(.serialized) struct ModelEvaluatorTests {
    static func day(_ text: String) -> PostgresDate { PostgresDate(iso: text) ?? PostgresDate(daysSince2000: 0) }
    static let calibrationEnd = day("2026-03-31")
    static let holdoutEnd = day("2026-06-30")

    /// The default pipeline with `models.penalizer` 0.001: without a penalty both fits run to the boundary
    /// on generated stores (BG/NBD a, b → ∞; Gamma-Gamma p → ∞, v → 0) and do not converge.
    static func pipeline() throws -> PipelineConfiguration {
        var pipeline = try RunTestStore.pipeline()
        pipeline.models.penalizer = 0.001
        return pipeline
    }

    static func evaluator(_ store: RunTestStore) throws -> ModelEvaluator {
        ModelEvaluator(database: store.configuration, pipeline: try pipeline(),
                       options: .init(workers: 2, retryFor: 0), logger: RunTestStore.quietLogger)
    }

    /// One clean store and its evaluation, shared by the tests of this suite.
    static let clean = Result { () throws -> (RunTestStore, ModelEvaluator.Outcome) in
        let store = try RunTestStore.make("evaluate_clean", customers: 3_000, seed: 23)
        return (store, try evaluator(store).evaluate(calibrationEnd: calibrationEnd, holdoutEnd: holdoutEnd))
    }

    @Test func holdoutActualsAreTheDistinctLocalPurchaseDaysOfTheOrders() throws {
        let (store, outcome) = try Self.clean.get()
        let observations = outcome.observations
        let ids = observations.customerIDs.map(String.init)
        let days = Dictionary(uniqueKeysWithValues: zip(ids, observations.holdoutPurchases))
        let revenue = Dictionary(uniqueKeysWithValues: zip(ids, observations.holdoutRevenue))
        // Clean data: purchases are completed orders of kept (non-test) customers created before the
        // calibration cut-off; days are Berlin days; net revenue converted with the newest rate on or
        // before the order's day, rounded per order.
        let rows = try store.rows("""
            with kept as (
                select customer_id from shop.customers
                where created_at < timestamp '2026-04-01' at time zone 'Europe/Berlin'
                  and lower(trim(email)) <> 'qa@shop.example'
                  and split_part(lower(trim(email)), '@', 2) not in ('test.shop.example', 'shop-staff.example')
            ),
            purchases as (
                select o.customer_id, (o.placed_at at time zone 'Europe/Berlin')::date as day,
                       round((o.subtotal - o.discount_total) * (
                           select f.rate_to_base from shop.fx_rates f
                           where f.currency = o.currency and f.day <= (o.placed_at at time zone 'Europe/Berlin')::date
                           order by f.day desc limit 1), 2) as net
                from shop.orders o join kept using (customer_id)
                where o.status = 'completed'
            ),
            calibration_buyers as (select distinct customer_id from purchases where day <= '2026-03-31')
            select b.customer_id::text,
                   count(distinct p.day) filter (where p.day > '2026-03-31' and p.day <= '2026-06-30')::text,
                   coalesce(sum(p.net) filter (where p.day > '2026-03-31' and p.day <= '2026-06-30'), 0)::text
            from calibration_buyers b join purchases p using (customer_id)
            group by b.customer_id
            """)
        #expect(observations.count > 1_000)
        #expect(rows.count == observations.count)
        var mismatches: [String] = []
        for row in rows {
            let id = row[0] ?? ""
            let expectedDays = Int(row[1] ?? "") ?? -1
            let expectedRevenue = Double(row[2] ?? "") ?? .nan
            if days[id] != expectedDays || revenue[id].map({ abs($0 - expectedRevenue) > 0.005 }) ?? true {
                mismatches.append("\(id): \(expectedDays) days \(expectedRevenue) vs \(days[id].map(String.init) ?? "missing") \(revenue[id].map { "\($0)" } ?? "")")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
        // Some customers bought in the holdout, and some more than once.
        #expect(observations.holdoutPurchases.contains { $0 >= 2 })
        #expect(outcome.evaluation.holdoutBuyers == observations.holdoutPurchases.count { $0 > 0 })
    }

    @Test func metricsBaselineAndCalibrationTableEqualADirectRecomputation() throws {
        let (_, outcome) = try Self.clean.get()
        let evaluation = outcome.evaluation
        let observations = outcome.observations
        let h = 91.0
        #expect(evaluation.holdoutDays == 91 && observations.holdoutDays == 91)
        #expect(evaluation.purchaseFit.status == "converged" && evaluation.spendFit.status == "converged")
        #expect(evaluation.isConverged)

        // The baseline: x / T · h, 0 for T = 0.
        for (customer, history) in observations.histories.enumerated() {
            let expected = history.age == 0 ? 0 : Double(history.frequency) * h / history.age
            #expect(abs(outcome.predictions.baselinePurchases[customer] - expected) <= 1e-12 * max(1, expected))
        }
        #expect(observations.histories.contains { $0.age == 0 } || observations.histories.allSatisfy { $0.age > 0 })

        // The model: the conditional expectation of the fit at h, for every customer.
        let expected = try #require(outcome.fit.predictions(horizonsInDays: [h])).expectedPurchases[0]
        #expect(outcome.predictions.modelPurchases == expected)

        // Totals, MAE and RMSE from the per-customer arrays.
        let actual = observations.holdoutPurchases.map(Double.init)
        let model = outcome.predictions.modelPurchases.map { $0 ?? .nan }
        let baseline = outcome.predictions.baselinePurchases
        func check(_ accuracy: ModelEvaluation.Accuracy?, _ predicted: [Double], _ actual: [Double]) {
            guard let accuracy else {
                Issue.record("no accuracy")
                return
            }
            let n = Double(actual.count)
            let total = predicted.reduce(0, +)
            let mae = zip(predicted, actual).map { abs($0 - $1) }.reduce(0, +) / n
            let rmse = (zip(predicted, actual).map { ($0 - $1) * ($0 - $1) }.reduce(0, +) / n).squareRoot()
            #expect(abs(accuracy.predictedTotal - total) <= 1e-9 * max(1, total))
            #expect(abs(accuracy.predictedMean - total / n) <= 1e-9 * max(1, total / n))
            #expect(abs(accuracy.meanAbsoluteError - mae) <= 1e-9 * max(1, mae))
            #expect(abs(accuracy.rootMeanSquaredError - rmse) <= 1e-9 * max(1, rmse))
        }
        #expect(evaluation.customers == observations.count)
        #expect(evaluation.purchases.customers == observations.count)
        #expect(evaluation.purchases.actualTotal == actual.reduce(0, +))
        check(evaluation.purchases.model, model, actual)
        check(evaluation.purchases.baseline, baseline, actual)

        // Spend: holdout buyers in Gamma-Gamma's domain; holdout mean per purchase day.
        let spenders = observations.histories.indices.filter {
            observations.holdoutPurchases[$0] > 0 && (observations.histories[$0].frequency == 0 || observations.monetaryValues[$0] > 0)
        }
        #expect(evaluation.spend.customers == spenders.count)
        #expect(spenders.count > 100)
        let spent = spenders.map { observations.holdoutRevenue[$0] / Double(observations.holdoutPurchases[$0]) }
        check(evaluation.spend.model, spenders.map { outcome.predictions.modelSpend[$0] ?? .nan }, spent)
        check(evaluation.spend.baseline, spenders.map {
            observations.calibrationRevenue[$0] / Double(observations.histories[$0].frequency + 1)
        }, spent)

        // The calibration table: buckets 0 … 6, 7+ of the calibration frequency.
        var buckets: [Int: (customers: Int, actual: Double, model: Double, baseline: Double)] = [:]
        for customer in observations.histories.indices {
            let bucket = min(observations.histories[customer].frequency, 7)
            var entry = buckets[bucket] ?? (0, 0, 0, 0)
            entry.customers += 1
            entry.actual += actual[customer]
            entry.model += model[customer]
            entry.baseline += baseline[customer]
            buckets[bucket] = entry
        }
        #expect(evaluation.calibration.map(\.frequency) == buckets.keys.sorted())
        #expect(evaluation.calibration.map(\.label).first == "0")
        #expect(evaluation.calibration.last?.label == "7+")
        for row in evaluation.calibration {
            let entry = try #require(buckets[row.frequency])
            #expect(row.customers == entry.customers)
            #expect(abs(row.actualMean - entry.actual / Double(entry.customers)) <= 1e-12)
            #expect(abs((row.modelMean ?? .nan) - entry.model / Double(entry.customers)) <= 1e-9)
            #expect(abs(row.baselineMean - entry.baseline / Double(entry.customers)) <= 1e-9)
        }
    }

    /// What held on this store (seed 23, 3,000 customers, 2,437 buyers by D1): actual 1,546 holdout
    /// purchase days, model 1,708.5 (+10.5 %), baseline 1,995.5 (+29 %); MAE 0.651 vs 0.759, RMSE 0.852 vs
    /// 1.445. The bounds leave room for another generator version without accepting a useless model.
    @Test func theModelBeatsTheNaiveBaselineOnPurchases() throws {
        let (_, outcome) = try Self.clean.get()
        let purchases = outcome.evaluation.purchases
        let model = try #require(purchases.model)
        let baseline = try #require(purchases.baseline)
        #expect(purchases.unpredicted == 0)
        let modelError = abs(model.predictedTotal / purchases.actualTotal - 1)
        let baselineError = abs(baseline.predictedTotal / purchases.actualTotal - 1)
        #expect(modelError < 0.2, "model total \(model.predictedTotal) vs actual \(purchases.actualTotal)")
        #expect(modelError < baselineError)
        #expect(try #require(purchases.maeRatio) < 0.95)
        #expect(try #require(purchases.rmseRatio) < 0.8)
        #expect(purchases.maeRatio == model.meanAbsoluteError / baseline.meanAbsoluteError)
        // Spend is reported against its baseline (on this store the baseline is as good: no assertion on who wins).
        #expect(outcome.evaluation.spend.model != nil && outcome.evaluation.spend.baseline != nil)
        #expect(outcome.evaluation.spend.unpredicted == 0)
    }

    @Test func theEvaluationIsStoredAndReadableAndTouchesNoSnapshot() throws {
        let (store, outcome) = try Self.clean.get()
        let evaluation = outcome.evaluation
        let id = try #require(evaluation.evaluationID)
        let row = try store.rows("""
            select pipeline, config_hash, calibration_end::text, holdout_end::text, holdout_days::text, purchase_model,
                   purchase_fit_status, customers::text, holdout_buyers::text, actual_purchases::text,
                   model_unpredicted::text, model_purchases::text, model_mae::text, baseline_rmse::text, spend_customers::text,
                   (purchase_parameters ->> 'r')::text, jsonb_array_length(calibration)::text, segflow_version
            from segflow.model_evaluations where evaluation_id = '\(id)'
            """)
        let model = try #require(evaluation.purchases.model)
        let baseline = try #require(evaluation.purchases.baseline)
        #expect(row == [[
            "default", try Self.pipeline().configHash, "2026-03-31", "2026-06-30", "91", "bg_nbd",
            "converged", "\(evaluation.customers)", "\(evaluation.holdoutBuyers)", "\(Int(evaluation.purchases.actualTotal))",
            "0", "\(model.predictedTotal)", "\(model.meanAbsoluteError)", "\(baseline.rootMeanSquaredError)", "\(evaluation.spend.customers)",
            "\(evaluation.purchaseFit.parameters?["r"] ?? .nan)", "\(evaluation.calibration.count)", SegflowVersion.current,
        ]])
        // The BI view has one row per bucket; its sums are the evaluation's.
        #expect(try store.rows("""
            select count(*)::text, sum(customers)::text, sum(actual_purchases)::text
            from segflow_bi.fct_model_calibration where evaluation_id = '\(id)'
            """) == [["\(evaluation.calibration.count)", "\(evaluation.customers)", "\(Int(evaluation.purchases.actualTotal))"]])
        // Nothing published, no run recorded.
        #expect(try store.count("select count(*) from segflow.snapshots") == 0)
        #expect(try store.count("select count(*) from segflow.customer_features") == 0)
        #expect(try store.count("select count(*) from segflow.runs where command <> 'migrate'") == 0)
    }

    /// The time unit changes α's unit, not the predictions (the likelihood is equivariant under the
    /// scaling): weeks give the days' expectations up to the optimiser's tolerance.
    @Test func weeksPredictLikeDays() throws {
        let (store, days) = try Self.clean.get()
        var pipeline = try Self.pipeline()
        pipeline.models.timeUnit = .weeks
        let weeks = try ModelEvaluator(database: store.configuration, pipeline: pipeline, options: .init(workers: 2, retryFor: 0),
                                       logger: RunTestStore.quietLogger)
            .evaluate(calibrationEnd: Self.calibrationEnd, holdoutEnd: Self.holdoutEnd)
        #expect(weeks.evaluation.timeUnit == "weeks" && weeks.evaluation.purchaseFit.isConverged)
        let alphaDays = try #require(days.evaluation.purchaseFit.parameters?["alpha"])
        let alphaWeeks = try #require(weeks.evaluation.purchaseFit.parameters?["alpha"])
        #expect(abs(alphaWeeks * 7 / alphaDays - 1) < 1e-4)
        let inDays = try #require(days.evaluation.purchases.model).predictedTotal
        let inWeeks = try #require(weeks.evaluation.purchases.model).predictedTotal
        #expect(abs(inWeeks / inDays - 1) < 1e-4, "\(inWeeks) vs \(inDays)")
        #expect(weeks.evaluation.purchases.baseline == days.evaluation.purchases.baseline)
    }

    /// On a dirty store the actuals are the btyd features of two published snapshots (cleaning included).
    @Test func onADirtyStoreTheActualsAreThoseOfTwoPublishedSnapshots() throws {
        let store = try RunTestStore.make("evaluate_dirty", customers: 1_200, seed: 8, dirtyRate: 0.02)
        let outcome = try Self.evaluator(store).evaluate(calibrationEnd: Self.calibrationEnd, holdoutEnd: Self.holdoutEnd)
        let runner = store.runner(try RunTestStore.pipeline())
        _ = try runner.run(asOf: Self.calibrationEnd)
        _ = try runner.run(asOf: Self.holdoutEnd)
        let rows = try store.rows("""
            select c.customer_id::text, (h.btyd_frequency - c.btyd_frequency)::text, (h.monetary - c.monetary)::text
            from segflow.customer_features c
            join segflow.customer_features h on h.customer_id = c.customer_id and h.as_of = '2026-06-30'
            where c.as_of = '2026-03-31' and c.btyd_frequency is not null
            order by c.customer_id
            """)
        let observations = outcome.observations
        let order = observations.customerIDs.indices.sorted { observations.customerIDs[$0] < observations.customerIDs[$1] }
        let mine = order.map { [String(observations.customerIDs[$0]), String(observations.holdoutPurchases[$0]),
                                String(format: "%.2f", observations.holdoutRevenue[$0])] }
        #expect(rows.count == mine.count && rows.count > 300)
        #expect(rows.map { $0.map { $0 ?? "" } } == mine)
    }

    @Test func aFitThatCannotRunIsRecordedNotFatal() throws {
        let (store, _) = try Self.clean.get()
        // Before the first order: no customer has bought, so neither model can be fitted.
        let outcome = try Self.evaluator(store).evaluate(calibrationEnd: Self.day("2020-01-31"), holdoutEnd: Self.day("2020-03-31"))
        let evaluation = outcome.evaluation
        #expect(evaluation.customers == 0)
        #expect(!evaluation.isConverged)
        #expect(evaluation.purchaseFit.status == "failed" && evaluation.purchaseFit.reason != nil)
        #expect(evaluation.purchases.model == nil && evaluation.purchases.baseline == nil && evaluation.calibration.isEmpty)
        let id = try #require(evaluation.evaluationID)
        #expect(try store.rows("""
            select purchase_fit_status, purchase_fit_reason is not null, model_mae is null, customers::text
            from segflow.model_evaluations where evaluation_id = '\(id)'
            """) == [["failed", "t", "t", "0"]])
    }

    @Test func aCalibrationEndNotBeforeTheHoldoutEndIsRejectedBeforeConnecting() throws {
        // A database that does not exist: the range is checked first.
        let evaluator = ModelEvaluator(database: PostgresConfiguration(connectionString: "host=/nonexistent dbname=none"),
                                       pipeline: try RunTestStore.pipeline(), options: .init(retryFor: 0), logger: RunTestStore.quietLogger)
        #expect(throws: InvalidEvaluationRangeError.self) {
            try evaluator.evaluate(calibrationEnd: Self.holdoutEnd, holdoutEnd: Self.holdoutEnd)
        }
        #expect(throws: InvalidEvaluationRangeError.self) {
            try evaluator.evaluate(calibrationEnd: Self.holdoutEnd, holdoutEnd: Self.calibrationEnd)
        }
    }
}
