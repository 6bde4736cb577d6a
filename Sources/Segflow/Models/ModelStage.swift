#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Logging
import PostgresClient
import SegflowEngine
import SegflowModels
import SegflowPublish

/// The model stage of one snapshot, between features and segments (docs/semantics.md, "Model
/// features"): fits the pipeline's customer-base models (`CustomerBaseFit`, the one place that does)
/// on the snapshot's BTYD summary and fills the model features of `FeatureColumns`, so that rules
/// and the publisher see them like any feature. Never throws: a fit that does not converge is
/// logged as a warning, recorded in its `model_fits` row and leaves its predictions null.
/// Deterministic: the fits and the per-customer loop are sequential, in row order.
struct ModelStage {
    let settings: ModelSettings
    /// The optimiser of both fits (the documented defaults; tests lower the iteration limit).
    var minimizer = Minimizer()

    /// Horizons of `expected_purchases_30d`, `_90d`, `_365d`, in days.
    static let horizonsInDays: [Double] = [30, 90, 365]
    /// 9999-12-31 as days since 1970-01-01: a later `predicted_next_order_date` is null.
    static let lastDate = 2_932_896.0

    /// What the stage did: the fits to publish (none when the models are off).
    struct Outcome: Sendable {
        var fits: [ModelFitRecord]
        /// Customers who got a `p_alive`.
        var predicted: Int
        /// Wall-clock seconds of the stage (`stageSeconds["models"]`).
        var seconds: Double
    }

    /// Fits the models on `features`' BTYD columns and writes the model features (null where
    /// docs/semantics.md says so). `asOf` is the snapshot day.
    func run(_ features: inout FeatureColumns, asOf: PostgresDate, logger: Logger) -> Outcome {
        let started = Date()
        var logger = logger
        logger[metadataKey: "stage"] = "models"
        let count = features.count
        var columns = Columns(count: count)
        defer { columns.store(in: &features) }
        guard settings.enabled else {
            logger.notice("models are off (models.enabled: false): prediction features are null, no model_fits rows")
            return Outcome(fits: [], predicted: 0, seconds: Date().timeIntervalSince(started))
        }

        // Customers with a purchase have a BTYD summary; the others are neither fitted nor predicted.
        let frequency = features.numbers(.btydFrequency)
        let recency = features.numbers(.btydRecency)
        let age = features.numbers(.btydT)
        let monetary = features.numbers(.btydMonetaryValue)
        var rows: [Int] = []
        var histories: [CustomerHistory] = []
        var monetaryValues: [Double] = []
        for row in 0..<count where !frequency[row].isNaN {
            rows.append(row)
            histories.append(CustomerHistory(frequency: Int(frequency[row]), recency: recency[row], age: age[row]))
            monetaryValues.append(monetary[row])
        }

        let fit = CustomerBaseFit.fit(settings: settings, historiesInDays: histories, monetaryValues: monetaryValues,
                                      minimizer: minimizer, logger: logger)
        let fits = [ModelFitRecord(fit.purchaseFit, component: .purchase, timeUnit: settings.timeUnit, penalizer: settings.penalizer),
                    ModelFitRecord(fit.spendFit, component: .spend, timeUnit: nil, penalizer: settings.penalizer)]
        var predicted = 0
        if let predictions = fit.predictions(horizonsInDays: Self.horizonsInDays) {
            let asOfDay = Double(asOf.daysSince1970)
            let daysPerUnit = settings.timeUnit.days
            for (index, row) in rows.enumerated() {
                guard let alive = predictions.probabilityAlive[index] else { continue }
                predicted += 1
                columns.pAlive[row] = alive
                columns.churnRisk[row] = predictions.churnRisk[index] ?? .nan
                columns.purchases30d[row] = predictions.expectedPurchases[0][index] ?? .nan
                columns.purchases90d[row] = predictions.expectedPurchases[1][index] ?? .nan
                columns.purchases365d[row] = predictions.expectedPurchases[2][index] ?? .nan
                columns.averageOrderValue[row] = predictions.expectedAverageOrderValue[index] ?? .nan
                columns.lifetimeValue[row] = predictions.lifetimeValue[index] ?? .nan
                if let wait = predictions.medianTimeToNextPurchase[index] {
                    // Rounded up to whole days; beyond 9999-12-31 (or not finite) the date is null.
                    let day = asOfDay + (wait * daysPerUnit).rounded(.up)
                    columns.nextOrderDate[row] = day.isFinite && day <= Self.lastDate ? day : .nan
                }
            }
        }
        let seconds = Date().timeIntervalSince(started)
        var metadata: Logger.Metadata = [
            "customers": "\(rows.count)", "predicted": "\(predicted)", "seconds": "\(String(format: "%.2f", seconds))",
        ]
        for record in fits {
            metadata[record.model] = "\(record.status)"
            if record.isConverged {
                for (name, value) in zip(record.parameterNames, record.parameters) { metadata["\(record.model).\(name)"] = "\(value)" }
            }
        }
        if fits.allSatisfy(\.isConverged) {
            logger.info("models fitted", metadata: metadata)
        } else {
            logger.warning("a model fit did not converge: its prediction features are null in this snapshot", metadata: metadata)
        }
        return Outcome(fits: fits, predicted: predicted, seconds: seconds)
    }

    /// The model features of one snapshot while they are filled: NaN (null) until set.
    private struct Columns {
        var pAlive, churnRisk, purchases30d, purchases90d, purchases365d: [Double]
        var averageOrderValue, lifetimeValue, nextOrderDate: [Double]

        init(count: Int) {
            let empty = [Double](repeating: .nan, count: count)
            (pAlive, churnRisk, purchases30d, purchases90d, purchases365d) = (empty, empty, empty, empty, empty)
            (averageOrderValue, lifetimeValue, nextOrderDate) = (empty, empty, empty)
        }

        func store(in features: inout FeatureColumns) {
            features.setNumbers(.pAlive, pAlive)
            features.setNumbers(.churnRisk, churnRisk)
            features.setNumbers(.expectedPurchases30d, purchases30d)
            features.setNumbers(.expectedPurchases90d, purchases90d)
            features.setNumbers(.expectedPurchases365d, purchases365d)
            features.setNumbers(.expectedAvgOrderValue, averageOrderValue)
            features.setNumbers(.predictedClv365d, lifetimeValue)
            features.setNumbers(.predictedNextOrderDate, nextOrderDate)
        }
    }
}
