import Foundation
import Logging
import PostgresClient
import SegflowEngine
import SegflowModels
import SegflowPipelineFile
import SegflowPublish

/// `segflow evaluate`: fits the pipeline's models on the snapshot of the calibration day and compares
/// their predictions for the holdout with what happened, beside a naive baseline (docs/models.md,
/// "Evaluation"), then stores the result in `model_evaluations`.
///
/// One extraction (cut-off: the holdout end) builds both snapshots in memory; nothing is published.
/// The evaluation takes no pipeline lock: it reads the sources in one database snapshot, as a run
/// does, and writes only its own row (under the schema's migration lock, shared, like a publisher),
/// so it neither waits for nor disturbs a run of the same pipeline.
public struct ModelEvaluator {
    /// What one evaluation computed, per customer too (for tests and callers that look closer).
    public struct Outcome: Sendable {
        public var evaluation: ModelEvaluation
        public var observations: HoldoutObservations
        public var predictions: HoldoutPredictions
        public var fit: CustomerBaseFit
    }

    public let database: PostgresConfiguration
    public let pipeline: PipelineConfiguration
    /// Workers, retries and the table lock timeout (the pipeline lock wait is not used).
    public let options: PipelineRunner.Options
    public let logger: Logger

    public init(database: PostgresConfiguration, pipeline: PipelineConfiguration, options: PipelineRunner.Options = .init(),
                logger: Logger) {
        self.database = database
        self.pipeline = pipeline
        self.options = options
        self.logger = logger
    }

    /// Evaluates, stores the row (`evaluation.evaluationID` set) and returns it. A fit that did not
    /// converge is part of the outcome (`evaluation.isConverged`), not an error.
    public func evaluate(calibrationEnd: PostgresDate, holdoutEnd: PostgresDate) throws -> Outcome {
        guard calibrationEnd < holdoutEnd else {
            throw InvalidEvaluationRangeError(calibrationEnd: calibrationEnd, holdoutEnd: holdoutEnd)
        }
        var logger = self.logger
        logger[metadataKey: "stage"] = "evaluate"
        let schema = pipeline.output.schema
        let started = Date()
        let runner = PipelineRunner(database: database, pipeline: pipeline, options: options, logger: logger)
        let observations = try RetryPolicy(retryFor: options.retryFor).run(logger: logger) { _ in
            let control = try PostgresConnection(database, logger: logger)
            defer { control.close() }
            // Before any data moves: a stale output schema or a bad source mapping fails here.
            try SchemaMigrator.checkCompatible(connection: control, schema: schema)
            try PipelineValidator(logger: logger).checkSources(of: pipeline, database: database, lockTimeout: options.tableLockTimeout)
            return try extract(calibrationEnd: calibrationEnd, holdoutEnd: holdoutEnd, settings: runner.engineSettings, logger: logger)
        }
        let fitStarted = Date()
        let fit = CustomerBaseFit.fit(settings: pipeline.models, historiesInDays: observations.histories,
                                      monetaryValues: observations.monetaryValues, logger: logger)
        let predictions = HoldoutPredictions(observations: observations, fit: fit)
        var evaluation = ModelEvaluation(observations: observations, predictions: predictions, fit: fit,
                                         pipeline: pipeline.name, configHash: pipeline.configHash,
                                         seconds: Date().timeIntervalSince(started))
        logger.info("evaluated", metadata: [
            "calibration_end": "\(calibrationEnd)", "holdout_end": "\(holdoutEnd)", "customers": "\(evaluation.customers)",
            "purchase_fit": "\(evaluation.purchaseFit.status)", "spend_fit": "\(evaluation.spendFit.status)",
            "fit_seconds": "\(String(format: "%.2f", Date().timeIntervalSince(fitStarted)))",
        ])
        let evaluationID = UUID().uuidString.lowercased()
        evaluation.evaluationID = try RetryPolicy(retryFor: options.retryFor).run(logger: logger) { _ in
            let connection = try PostgresConnection(database, logger: logger)
            defer { connection.close() }
            try connection.setLockTimeout(seconds: options.tableLockTimeout)
            return try ModelEvaluationStore(connection: connection, schema: schema)
                .insert(evaluation, evaluationID: evaluationID, segflowVersion: SegflowVersion.current)
        }
        return Outcome(evaluation: evaluation, observations: observations, predictions: predictions, fit: fit)
    }

    /// The calibration and holdout columns from one extraction.
    private func extract(calibrationEnd: PostgresDate, holdoutEnd: PostgresDate, settings: SnapshotEngine.Settings,
                         logger: Logger) throws -> HoldoutObservations {
        let engine = SnapshotEngine(configuration: database, settings: settings, logger: logger)
        var calibration: HoldoutObservations.SnapshotColumns?
        var holdout: HoldoutObservations.SnapshotColumns?
        _ = try engine.run(asOf: [calibrationEnd, holdoutEnd]) { snapshot in
            // Only the columns the evaluation reads are kept, so one feature table is held at a time.
            if snapshot.asOf == calibrationEnd {
                calibration = HoldoutObservations.SnapshotColumns(snapshot.features)
            } else {
                holdout = HoldoutObservations.SnapshotColumns(snapshot.features)
            }
        }
        guard let calibration, let holdout else {
            throw EngineInvariantError("the engine did not build the snapshots of \(calibrationEnd) and \(holdoutEnd)")
        }
        return try HoldoutObservations(calibration: calibration, holdout: holdout,
                                       calibrationEnd: calibrationEnd, holdoutEnd: holdoutEnd)
    }
}
