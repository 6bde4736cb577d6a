import PostgresClient
import SegflowModels

/// What `segflow evaluate` reports and stores in `model_evaluations` (docs/models.md, "Evaluation";
/// docs/output-tables.md): the fits of the calibration day, the holdout actuals, the model's and the
/// naive baseline's accuracy, and the calibration table. Encodes as the command's `--json` document.
public struct ModelEvaluation: Sendable, Codable {
    /// One fit as evaluated: parameters in `timeUnit` (meaningful only when converged).
    public struct Fit: Sendable, Codable, Equatable {
        public var model: String
        public var status: String
        public var reason: String?
        /// Parameter name → value; nil unless converged.
        public var parameters: [String: Double]?
        /// In the order the model declares them, for printing.
        public var parameterNames: [String]
        public var logLikelihood: Double?
        public var customers: Int
        public var iterations: Int

        public var isConverged: Bool { status == FitStatus.converged.rawValue }

        public init(_ fit: ModelFit) {
            model = fit.model
            status = fit.status.rawValue
            reason = fit.reason
            let converged = fit.status == .converged
            parameters = converged ? Dictionary(uniqueKeysWithValues: zip(fit.parameterNames, fit.parameters)) : nil
            parameterNames = fit.parameterNames
            logLikelihood = converged && fit.logLikelihood.isFinite ? fit.logLikelihood : nil
            customers = fit.customers
            iterations = fit.iterations
        }

        enum CodingKeys: String, CodingKey {
            case model, status, reason, parameters, parameterNames = "parameter_names", logLikelihood = "log_likelihood", customers, iterations
        }
    }

    /// Predictions of one method (model or baseline) against the actuals.
    public struct Accuracy: Sendable, Codable, Equatable {
        public var predictedTotal: Double
        public var predictedMean: Double
        public var meanAbsoluteError: Double
        public var rootMeanSquaredError: Double

        init(_ accuracy: PredictionAccuracy) {
            predictedTotal = accuracy.predictedTotal
            predictedMean = accuracy.predictedMean
            meanAbsoluteError = accuracy.meanAbsoluteError
            rootMeanSquaredError = accuracy.rootMeanSquaredError
        }

        enum CodingKeys: String, CodingKey {
            case predictedTotal = "predicted_total", predictedMean = "predicted_mean"
            case meanAbsoluteError = "mae", rootMeanSquaredError = "rmse"
        }
    }

    /// Holdout purchases (or mean spend) of `customers`: actuals, model and baseline.
    public struct Comparison: Sendable, Codable, Equatable {
        public var customers: Int
        public var actualTotal: Double
        public var actualMean: Double?
        /// Customers without a model prediction (all of them without a converged model; otherwise those
        /// where the model is undefined, see docs/models.md, "Predictions").
        public var unpredicted: Int
        /// nil without a converged model, when `unpredicted` > 0 (the model is measured on the same
        /// customers as the baseline or not at all) or without customers.
        public var model: Accuracy?
        /// nil without customers.
        public var baseline: Accuracy?

        /// MAE_model / MAE_baseline (below 1: the model is better); nil when either is missing or 0.
        public var maeRatio: Double? {
            guard let model, let baseline, baseline.meanAbsoluteError > 0 else { return nil }
            return model.meanAbsoluteError / baseline.meanAbsoluteError
        }

        public var rmseRatio: Double? {
            guard let model, let baseline, baseline.rootMeanSquaredError > 0 else { return nil }
            return model.rootMeanSquaredError / baseline.rootMeanSquaredError
        }

        /// Over the pairs where `include`; the model is measured only when it predicted every one of them.
        init(actual: [Double], model: [Double?], baseline: [Double], include: [Bool]) {
            var actuals: [Double] = []
            var models: [Double] = []
            var baselines: [Double] = []
            for index in actual.indices where include[index] {
                actuals.append(actual[index])
                baselines.append(baseline[index])
                if let prediction = model[index] { models.append(prediction) }
            }
            customers = actuals.count
            unpredicted = actuals.count - models.count
            let measuredBaseline = PredictionAccuracy(predicted: baselines, actual: actuals)
            actualTotal = measuredBaseline?.actualTotal ?? 0
            actualMean = measuredBaseline?.actualMean
            self.baseline = measuredBaseline.map(Accuracy.init)
            self.model = unpredicted == 0 ? PredictionAccuracy(predicted: models, actual: actuals).map(Accuracy.init) : nil
        }

        enum CodingKeys: String, CodingKey {
            case customers, actualTotal = "actual_total", actualMean = "actual_mean", unpredicted = "model_unpredicted", model, baseline
            case maeRatio = "mae_ratio", rmseRatio = "rmse_ratio"
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            customers = try container.decode(Int.self, forKey: .customers)
            actualTotal = try container.decode(Double.self, forKey: .actualTotal)
            actualMean = try container.decodeIfPresent(Double.self, forKey: .actualMean)
            unpredicted = try container.decode(Int.self, forKey: .unpredicted)
            model = try container.decodeIfPresent(Accuracy.self, forKey: .model)
            baseline = try container.decodeIfPresent(Accuracy.self, forKey: .baseline)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(customers, forKey: .customers)
            try container.encode(actualTotal, forKey: .actualTotal)
            try container.encodeIfPresent(actualMean, forKey: .actualMean)
            try container.encode(unpredicted, forKey: .unpredicted)
            try container.encodeIfPresent(model, forKey: .model)
            try container.encodeIfPresent(baseline, forKey: .baseline)
            try container.encodeIfPresent(maeRatio, forKey: .maeRatio)
            try container.encodeIfPresent(rmseRatio, forKey: .rmseRatio)
        }
    }

    /// Set once the row is stored.
    public var evaluationID: String?
    public var pipeline: String
    public var configHash: String
    public var calibrationEnd: String
    public var holdoutEnd: String
    public var holdoutDays: Int
    /// `days` or `weeks`: the unit of the time parameters (α).
    public var timeUnit: String
    public var penalizer: Double
    public var purchaseFit: Fit
    public var spendFit: Fit
    /// Customers with a purchase on or before the calibration day.
    public var customers: Int
    /// Of them, customers with a purchase in the holdout.
    public var holdoutBuyers: Int
    /// Holdout purchase days per customer.
    public var purchases: Comparison
    /// Mean holdout spend per purchase day, over the holdout buyers in Gamma-Gamma's domain.
    public var spend: Comparison
    public var calibration: [CalibrationBucket]
    /// Extraction, fits and metrics.
    public var seconds: Double

    /// True when both fits converged (otherwise `segflow evaluate` exits 1 after reporting).
    public var isConverged: Bool { purchaseFit.isConverged && spendFit.isConverged }

    public init(observations: HoldoutObservations, predictions: HoldoutPredictions, fit: CustomerBaseFit,
                pipeline: String, configHash: String, seconds: Double) {
        self.pipeline = pipeline
        self.configHash = configHash
        calibrationEnd = observations.calibrationEnd.description
        holdoutEnd = observations.holdoutEnd.description
        holdoutDays = observations.holdoutDays
        timeUnit = fit.settings.timeUnit.rawValue
        penalizer = fit.settings.penalizer
        purchaseFit = Fit(fit.purchaseFit)
        spendFit = Fit(fit.spendFit)
        customers = observations.count
        holdoutBuyers = observations.holdoutPurchases.count { $0 > 0 }
        let everyone = Array(repeating: true, count: observations.count)
        purchases = Comparison(actual: observations.holdoutPurchases.map(Double.init), model: predictions.modelPurchases,
                               baseline: predictions.baselinePurchases, include: everyone)
        let meanSpend = zip(observations.holdoutRevenue, observations.holdoutPurchases).map { revenue, days in
            days > 0 ? revenue / Double(days) : 0
        }
        spend = Comparison(actual: meanSpend, model: predictions.modelSpend, baseline: predictions.baselineSpend,
                           include: predictions.comparesSpend)
        calibration = CalibrationBucket.table(observations: observations, predictions: predictions)
        self.seconds = seconds
    }

    enum CodingKeys: String, CodingKey {
        case evaluationID = "evaluation_id", pipeline, configHash = "config_hash", calibrationEnd = "calibration_end"
        case holdoutEnd = "holdout_end", holdoutDays = "holdout_days", timeUnit = "time_unit", penalizer
        case purchaseFit = "purchase_model", spendFit = "spend_model", customers, holdoutBuyers = "holdout_buyers"
        case purchases, spend, calibration, seconds
    }
}
