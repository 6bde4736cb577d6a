import Foundation
import PostgresClient
import SegflowPublish

/// Writes evaluations to `<schema>.model_evaluations` (docs/output-tables.md): one insert per
/// evaluation, never touching the published snapshots.
public struct ModelEvaluationStore {
    public let connection: PostgresConnection
    public let schema: String

    public init(connection: PostgresConnection, schema: String) {
        self.connection = connection
        self.schema = schema
    }

    /// Inserts `evaluation` as `evaluationID` and returns it. Holds the schema's migration lock shared
    /// for the transaction, as publishers do, so the row never lands in a schema being migrated. The
    /// id comes from the caller, so a retry after a commit whose answer was lost inserts nothing twice.
    public func insert(_ evaluation: ModelEvaluation, evaluationID: String, segflowVersion: String) throws -> String {
        let purchase = evaluation.purchases
        let spend = evaluation.spend
        let calibration = try Self.json(evaluation.calibration)
        let purchaseParameters = try evaluation.purchaseFit.parameters.map(Self.json)
        let spendParameters = try evaluation.spendFit.parameters.map(Self.json)
        return try connection.transaction {
            try connection.execute("select pg_advisory_xact_lock_shared(\(SchemaMigrator.lockKey(schema: schema)))")
            try SchemaMigrator.checkCompatible(connection: connection, schema: schema)
            try connection.execute("""
                insert into \(identifier: schema).model_evaluations (
                    evaluation_id, pipeline, config_hash, segflow_version, calibration_end, holdout_end, holdout_days,
                    purchase_model, time_unit, penalizer,
                    purchase_fit_status, purchase_fit_reason, purchase_parameters, purchase_log_likelihood,
                    spend_fit_status, spend_fit_reason, spend_parameters,
                    customers, holdout_buyers, actual_purchases,
                    model_unpredicted, model_purchases, model_mae, model_rmse, baseline_purchases, baseline_mae, baseline_rmse,
                    spend_customers, actual_mean_spend, model_spend_unpredicted, model_mean_spend, model_spend_mae, model_spend_rmse,
                    baseline_mean_spend, baseline_spend_mae, baseline_spend_rmse, calibration, seconds
                ) values (
                    \(evaluationID)::uuid, \(evaluation.pipeline), \(evaluation.configHash), \(segflowVersion),
                    \(evaluation.calibrationEnd)::date, \(evaluation.holdoutEnd)::date, \(evaluation.holdoutDays),
                    \(evaluation.purchaseFit.model), \(evaluation.timeUnit), \(evaluation.penalizer),
                    \(evaluation.purchaseFit.status), \(evaluation.purchaseFit.reason), \(purchaseParameters)::jsonb,
                    \(evaluation.purchaseFit.logLikelihood),
                    \(evaluation.spendFit.status), \(evaluation.spendFit.reason), \(spendParameters)::jsonb,
                    \(evaluation.customers), \(evaluation.holdoutBuyers), \(Int64(purchase.actualTotal.rounded())),
                    \(purchase.unpredicted), \(purchase.model?.predictedTotal), \(purchase.model?.meanAbsoluteError), \(purchase.model?.rootMeanSquaredError),
                    \(purchase.baseline?.predictedTotal), \(purchase.baseline?.meanAbsoluteError), \(purchase.baseline?.rootMeanSquaredError),
                    \(spend.customers), \(spend.actualMean), \(spend.unpredicted), \(spend.model?.predictedMean), \(spend.model?.meanAbsoluteError),
                    \(spend.model?.rootMeanSquaredError), \(spend.baseline?.predictedMean), \(spend.baseline?.meanAbsoluteError),
                    \(spend.baseline?.rootMeanSquaredError), \(calibration)::jsonb, \(evaluation.seconds)
                )
                on conflict (evaluation_id) do nothing
                """)
            return evaluationID
        }
    }

    private static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
