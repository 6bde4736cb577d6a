import Foundation
import Logging
import PostgresClient
import SegflowGenerator
import SegflowModels
import SegflowTestSupport
import Testing
@testable import Segflow

/// The model stage on generated stores, read back from PostgreSQL: `model_fits` and the model
/// features of `customer_features` as docs/semantics.md ("Model features") defines them, checked
/// against SQL recomputations from the published parameters and `btyd_*` columns.
@Suite struct ModelStageTests {
    static let asOf = GeneratorConfiguration.defaultEndDay
    static let modelColumns = FeatureCatalog.predicted.map(\.name)

    /// Relative 1e-9, or both below 1e-300 (a probability that small is 0 for every purpose).
    static func close(_ a: Double, _ b: Double, relative: Double = 1e-9) -> Bool {
        a == b || abs(a - b) <= relative * max(abs(a), abs(b)) || (abs(a) < 1e-300 && abs(b) < 1e-300)
    }

    /// One fit's parameters by name, read from the published jsonb.
    static func parameters(_ store: RunTestStore, model: String, asOf: PostgresDate = asOf) throws -> [String: Double] {
        let rows = try store.rows("""
            select p.key, p.value::float8::text from segflow.model_fits f, jsonb_each(f.parameters) p
            where f.as_of = '\(asOf)' and f.model = '\(model)'
            """)
        return Dictionary(uniqueKeysWithValues: rows.compactMap { row in
            guard let name = row[0], let value = row[1].flatMap(Double.init) else { return nil }
            return (name, value)
        })
    }

    @Test func aRunPublishesConvergedFitsAndTheirPredictions() throws {
        let store = try RunTestStore.make("models_run", customers: 1_500, seed: 5)
        let pipeline = try RunTestStore.pipeline()
        let report = try store.runner(pipeline).run(asOf: Self.asOf)
        #expect(report.stageSeconds["models"] != nil)
        #expect(report.modelFits.map(\.model) == ["bg_nbd", "gamma_gamma"])

        // One converged row per model, with what the data say.
        let fits = try store.rows("""
            select model, component, status, reason, time_unit, customers::text, distinct_rows::text,
                   (log_likelihood < 0)::text, (iterations > 0)::text, penalizer::text,
                   (select count(*) from jsonb_object_keys(parameters))::text,
                   (select count(*) from jsonb_object_keys(standard_errors))::text,
                   (run_id = (select run_id from segflow.snapshots s where s.as_of = f.as_of))::text
            from segflow.model_fits f where as_of = '\(Self.asOf)' order by model
            """)
        let buyers = try store.count("select count(*) from segflow.customer_features where btyd_frequency is not null")
        let repeatBuyers = try store.count("select count(*) from segflow.customer_features where btyd_frequency > 0 and btyd_monetary_value > 0")
        let triplets = try store.count("""
            select count(distinct (btyd_frequency, btyd_recency, btyd_t)) from segflow.customer_features where btyd_frequency is not null
            """)
        #expect(buyers > 500 && repeatBuyers > 100)
        let expectedFits: [[String?]] = [
            ["bg_nbd", "purchase", "converged", nil, "days", "\(buyers)", "\(triplets)", "true", "true", "\(pipeline.models.penalizer)", "4", "4", "true"],
            ["gamma_gamma", "spend", "converged", nil, nil, "\(repeatBuyers)", fits.last?[6] ?? nil, "true", "true", "\(pipeline.models.penalizer)", "3", "3", "true"],
        ]
        #expect(fits == expectedFits)
        // Plausible: positive, and a customer base that buys a few times a year and spends tens of euros.
        let bg = try Self.parameters(store, model: "bg_nbd")
        let gg = try Self.parameters(store, model: "gamma_gamma")
        for (name, value) in bg.merging(gg, uniquingKeysWith: { $1 }) { #expect(value > 0 && value.isFinite, "\(name) = \(value)") }
        let r = try #require(bg["r"]), alpha = try #require(bg["alpha"]), p = try #require(gg["p"])
        let q = try #require(gg["q"]), v = try #require(gg["v"])
        #expect(r / alpha > 1.0 / 3650 && r / alpha < 1, "mean purchase rate \(r / alpha) per day")
        #expect(q > 1 && v * p / (q - 1) > 5 && v * p / (q - 1) < 5_000, "mean spend \(v * p / (q - 1))")

        // Ranges and nulls exactly where docs/semantics.md says.
        #expect(try store.count("""
            select count(*) from segflow.customer_features where as_of = '\(Self.asOf)' and (
                p_alive < 0 or p_alive > 1 or churn_risk is distinct from 1 - p_alive
                or expected_purchases_30d < 0 or expected_purchases_90d < expected_purchases_30d
                or expected_purchases_365d < expected_purchases_90d or predicted_clv_365d < 0
                or predicted_next_order_date <= as_of)
            """) == 0)
        for column in ["p_alive", "churn_risk", "expected_purchases_30d", "expected_purchases_90d", "expected_purchases_365d",
                       "predicted_next_order_date"] {
            #expect(try store.count("""
                select count(*) from segflow.customer_features
                where as_of = '\(Self.asOf)' and (\(column) is null) <> (btyd_frequency is null)
                """) == 0, "\(column)")
        }
        for column in ["expected_avg_order_value", "predicted_clv_365d"] {
            #expect(try store.count("""
                select count(*) from segflow.customer_features where as_of = '\(Self.asOf)'
                  and (\(column) is null) <> (btyd_frequency is null or (btyd_frequency > 0 and btyd_monetary_value <= 0))
                """) == 0, "\(column)")
        }
        // BG/NBD: a customer who never bought again is alive for sure.
        #expect(try store.count("select count(*) from segflow.customer_features where btyd_frequency = 0 and p_alive <> 1") == 0)
        #expect(try store.count("select count(*) from segflow.customer_features where p_alive < 0.5") > 0)

        try checkAgainstSQL(store, purchaseModel: "bg_nbd")
        try checkAgainstModels(store, settings: pipeline.models)
    }

    /// MBG/NBD in weeks: the same checks with MBG/NBD's closed forms; α is in weeks.
    @Test func mbgNbdInWeeksIsPublishedInWeeksAndPredictsInDays() throws {
        let store = try RunTestStore.make("models_mbg", customers: 1_500, seed: 5)
        var pipeline = try RunTestStore.pipeline()
        pipeline.models.purchaseModel = .mbgNbd
        pipeline.models.timeUnit = .weeks
        _ = try store.runner(pipeline).run(asOf: Self.asOf)
        #expect(try store.rows("select model, time_unit, status from segflow.model_fits order by model")
            == [["gamma_gamma", nil, "converged"], ["mbg_nbd", "weeks", "converged"]])
        try checkAgainstSQL(store, purchaseModel: "mbg_nbd", daysPerUnit: 7)
        try checkAgainstModels(store, settings: pipeline.models)
    }

    /// p_alive, churn_risk, expected_avg_order_value and predicted_next_order_date of every customer
    /// equal the closed forms of docs/semantics.md evaluated in SQL on the published parameters.
    private func checkAgainstSQL(_ store: RunTestStore, purchaseModel: String, daysPerUnit: Double = 1) throws {
        // BG/NBD: a/(b+x-1), p_alive = 1 for x = 0; MBG/NBD: a/(b+x) for every x.
        let odds = purchaseModel == "bg_nbd"
            ? "case when x = 0 then null else ln(a / (b + x - 1)) + (r + x) * ln((alpha + t) / (alpha + tx)) end"
            : "ln(a / (b + x)) + (r + x) * ln((alpha + t) / (alpha + tx))"
        let rows = try store.rows("""
            with purchase as (
                select (parameters->>'r')::float8 as r, (parameters->>'alpha')::float8 as alpha,
                       (parameters->>'a')::float8 as a, (parameters->>'b')::float8 as b
                from segflow.model_fits where as_of = '\(Self.asOf)' and model = '\(purchaseModel)'
            ), spend as (
                select (parameters->>'p')::float8 as p, (parameters->>'q')::float8 as q, (parameters->>'v')::float8 as v
                from segflow.model_fits where as_of = '\(Self.asOf)' and model = 'gamma_gamma'
            ), customers as (
                select f.*, btyd_frequency::float8 as x, btyd_recency / \(daysPerUnit)::float8 as tx,
                       btyd_t / \(daysPerUnit)::float8 as t, btyd_monetary_value as m
                from segflow.customer_features f where as_of = '\(Self.asOf)' and btyd_frequency is not null
            )
            select customer_id::text, p_alive::text, churn_risk::text,
                   case when (\(odds)) is null then null else least(\(odds), 700) end::text,
                   expected_avg_order_value::text,
                   case when x = 0 then v * p / (q - 1)
                        when m > 0 then (1 - p * x / (p * x + q - 1)) * v * p / (q - 1) + p * x / (p * x + q - 1) * m end::text,
                   (predicted_next_order_date - as_of)::text,
                   ((alpha + t) * (power(2, 1 / (r + x)) - 1) * \(daysPerUnit))::text
            from customers, purchase, spend order by customer_id
            """)
        #expect(rows.count > 500)
        var mismatches: [String] = []
        for row in rows {
            let id = row[0] ?? "?"
            let alive = Double(row[1] ?? "") ?? .nan, churn = Double(row[2] ?? "") ?? .nan
            let expectedAlive = row[3].flatMap(Double.init).map { 1 / (1 + exp($0)) } ?? 1
            if !Self.close(alive, expectedAlive) { mismatches.append("\(id) p_alive \(alive) vs \(expectedAlive)") }
            if !Self.close(churn, 1 - expectedAlive) { mismatches.append("\(id) churn_risk \(churn) vs \(1 - expectedAlive)") }
            switch (row[4].flatMap(Double.init), row[5].flatMap(Double.init)) {
            case (nil, nil): break
            case let (published?, expected?) where Self.close(published, expected): break
            default: mismatches.append("\(id) expected_avg_order_value \(row[4] ?? "null") vs \(row[5] ?? "null")")
            }
            let wait = Double(row[7] ?? "") ?? .nan
            let days = row[6].flatMap(Int.init)
            // Rounded up; a wait within rounding of a whole number may land on either side.
            let boundary = abs(wait - wait.rounded()) <= 1e-9 * max(1, wait)
            if days != Int(wait.rounded(.up)) && !(boundary && days == Int(wait.rounded())) {
                mismatches.append("\(id) predicted_next_order_date as_of + \(row[6] ?? "null") vs ceil(\(wait))")
            }
        }
        #expect(mismatches.count == 0, "\(mismatches.count) mismatches, the first: \(mismatches.prefix(5))")
    }

    /// The expectations and the lifetime value of every customer equal SegflowModels' predictions
    /// from the published parameters (so the stage puts each customer's numbers on its own row).
    private func checkAgainstModels(_ store: RunTestStore, settings: ModelSettings) throws {
        let purchase = try Self.parameters(store, model: settings.purchaseModel.rawValue)
        let names = ["r", "alpha", "a", "b"]
        let values = names.map { purchase[$0] ?? .nan }
        let spendParameters = try Self.parameters(store, model: "gamma_gamma")
        let spend = try #require(GammaGammaModel(parameters: ["p", "q", "v"].map { spendParameters[$0] ?? .nan }))
        let rows = try store.rows("""
            select btyd_frequency::text, btyd_recency::text, btyd_t::text, btyd_monetary_value::text,
                   expected_purchases_30d::text, expected_purchases_90d::text, expected_purchases_365d::text,
                   predicted_clv_365d::text
            from segflow.customer_features where as_of = '\(Self.asOf)' and btyd_frequency is not null order by customer_id
            """)
        let unit = settings.timeUnit.days
        let histories = rows.map { row in
            CustomerHistory(frequency: Int(row[0] ?? "") ?? -1, recency: (Double(row[1] ?? "") ?? .nan) / unit,
                            age: (Double(row[2] ?? "") ?? .nan) / unit)
        }
        let monetary = rows.map { Double($0[3] ?? "") ?? .nan }
        let compressed = CompressedHistories(histories)
        let horizons = ModelStage.horizonsInDays.map { $0 / unit }
        let predictions: CustomerPredictions
        switch settings.purchaseModel {
        case .bgNbd:
            predictions = CustomerPredictions(model: try #require(BGNBDModel(parameters: values)), histories: compressed,
                                              monetaryValues: monetary, spend: spend, horizons: horizons, value: settings.valueSettings)
        case .mbgNbd:
            predictions = CustomerPredictions(model: try #require(MBGNBDModel(parameters: values)), histories: compressed,
                                              monetaryValues: monetary, spend: spend, horizons: horizons, value: settings.valueSettings)
        case .paretoNbd:
            predictions = CustomerPredictions(model: try #require(ParetoNBDModel(parameters: values)), histories: compressed,
                                              monetaryValues: monetary, spend: spend, horizons: horizons, value: settings.valueSettings)
        }
        var mismatches: [String] = []
        for (index, row) in rows.enumerated() {
            let published = (4...7).map { row[$0].flatMap(Double.init) }
            let expected = predictions.expectedPurchases.map { $0[index] } + [predictions.lifetimeValue[index]]
            for (column, (a, b)) in zip(["e30", "e90", "e365", "clv"], zip(published, expected)) {
                let same = switch (a, b) {
                case (nil, nil): true
                case let (a?, b?): Self.close(a, b)
                default: false
                }
                if !same { mismatches.append("row \(index) \(column): \(a.map { "\($0)" } ?? "null") vs \(b.map { "\($0)" } ?? "null")") }
            }
        }
        #expect(mismatches.count == 0, "\(mismatches.count) mismatches, the first: \(mismatches.prefix(5))")
    }

    @Test func aBackfillPublishesOneSetOfFitsPerDayAndARepublishReplacesThem() throws {
        let store = try RunTestStore.make("models_backfill", customers: 800, seed: 9)
        let pipeline = try RunTestStore.pipeline()
        let first = PostgresDate(daysSince1970: Self.asOf.daysSince1970 - 1)
        let plan = try BackfillPlan(from: first, to: Self.asOf, every: .day)
        let report = try BackfillRunner(runner: store.runner(pipeline), options: .init(batchSize: 2)).run(plan)
        #expect(report.published.count == 2)
        #expect(report.published.allSatisfy { $0.modelFits.count == 2 && $0.stageSeconds["models"] != nil })
        #expect(try store.rows("""
            select as_of::text, string_agg(model || ':' || status, ',' order by model),
                   bool_and(run_id = (select run_id from segflow.snapshots s where s.as_of = f.as_of))::text
            from segflow.model_fits f group by as_of order by as_of
            """) == [
            ["\(first)", "bg_nbd:converged,gamma_gamma:converged", "true"],
            ["\(Self.asOf)", "bg_nbd:converged,gamma_gamma:converged", "true"],
        ])
        // The ledger times the stage like the others.
        #expect(try store.count("select count(*) from segflow.runs where command = 'backfill' and stage_timings ? 'models'") == 2)

        // Republishing a day replaces its rows, and nothing else; with the models off it leaves none.
        let before = try store.rows("select as_of::text, model, parameters::text from segflow.model_fits order by 1, 2")
        _ = try store.runner(pipeline).run(asOf: first)
        #expect(try store.rows("select as_of::text, model, parameters::text from segflow.model_fits order by 1, 2") == before)
        #expect(try store.count("""
            select count(*) from segflow.model_fits f join segflow.snapshots s using (as_of) where f.run_id <> s.run_id
            """) == 0)
        var off = pipeline
        off.models.enabled = false
        _ = try store.runner(off).run(asOf: first)
        #expect(try store.rows("select as_of::text, count(*)::text from segflow.model_fits group by 1 order by 1")
            == [["\(Self.asOf)", "2"]])
        #expect(try store.count("""
            select count(*) from segflow.customer_features where as_of = '\(first)'
              and coalesce(\(Self.modelColumns.map { "\($0)::text" }.joined(separator: ", "))) is not null
            """) == 0)
    }

    /// Same snapshot, 1 or 2 workers: the same fits and predictions to the last bit.
    @Test func fitsAndPredictionsDoNotDependOnTheWorkerCount() throws {
        let store = try RunTestStore.make("models_workers", customers: 600, seed: 4)
        let pipeline = try RunTestStore.pipeline()
        var outputs: [[[String?]]] = []
        for workers in [1, 2] {
            _ = try PipelineRunner(database: store.configuration, pipeline: pipeline, options: .init(workers: workers, retryFor: 0),
                                   logger: RunTestStore.quietLogger).run(asOf: Self.asOf)
            outputs.append(try store.rows("""
                select model, parameters::text, standard_errors::text, log_likelihood::text, iterations::text
                from segflow.model_fits order by model
                """) + store.rows("""
                select md5(string_agg(concat_ws('|', customer_id, \(Self.modelColumns.joined(separator: ", "))), ',' order by customer_id))
                from segflow.customer_features
                """))
        }
        #expect(outputs[0].count == 3)
        #expect(outputs[0] == outputs[1])
    }

    /// A fit stopped by its iteration limit is recorded, warned about and leaves the predictions
    /// null; the run succeeds. A store without any purchase cannot be fitted at all (failed).
    @Test func aFitThatDoesNotConvergeIsRecordedAndItsPredictionsAreNull() throws {
        let store = try RunTestStore.make("models_noconv", customers: 600, seed: 3)
        let recorder = RecordingLogHandler()
        var runner = store.runner(try RunTestStore.pipeline(), logger: recorder.logger)
        var options = runner.options
        options.modelMinimizer.maximumIterations = 3
        runner = PipelineRunner(database: runner.database, pipeline: runner.pipeline, options: options, logger: recorder.logger)
        let report = try runner.run(asOf: Self.asOf)
        #expect(report.modelFits.map(\.status) == ["not_converged", "not_converged"])
        let recorded: [[String?]] = [["bg_nbd", "not_converged", "true", "true", "3"], ["gamma_gamma", "not_converged", "true", "true", "3"]]
        #expect(try store.rows("""
            select model, status, (reason is not null and reason <> '')::text,
                   (parameters is null and standard_errors is null and log_likelihood is null)::text, iterations::text
            from segflow.model_fits order by model
            """) == recorded)
        #expect(try store.count("""
            select count(*) from segflow.customer_features
            where coalesce(\(Self.modelColumns.map { "\($0)::text" }.joined(separator: ", "))) is not null
            """) == 0)
        #expect(try store.count("select count(*) from segflow.runs where status = 'succeeded'") == 1)
        let warnings = recorder.messages("a model fit did not converge: its prediction features are null in this snapshot")
        #expect(warnings.count == 1)
        #expect(warnings.first?["as_of"] == "\(Self.asOf)" && warnings.first?["bg_nbd"] == "not_converged")
        #expect(recorder.messages("model fit did not converge; its predictions are null").count == 2)
        // Segments whose rules read model features are simply empty.
        #expect(try store.count("""
            select count(*) from segflow.customer_segments where segment_key in ('high_value_at_risk', 'likely_to_buy_soon')
            """) == 0)

        let connection = try store.connect()
        try connection.simpleQuery("update shop.orders set status = 'pending'")
        connection.close()
        let none = try store.runner(try RunTestStore.pipeline()).run(asOf: Self.asOf)
        #expect(none.modelFits.map(\.status) == ["failed", "failed"])
        #expect(try store.rows("select model, customers::text, reason from segflow.model_fits order by model") == [
            ["bg_nbd", "0", "no customer with a positive age to fit"],
            ["gamma_gamma", "0", "no repeat buyer with a positive mean spend to fit"],
        ])
    }
}
