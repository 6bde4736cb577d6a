import Foundation
import Segflow

/// The human rendering of `segflow evaluate`: the fits, the purchase and spend accuracy of the model
/// and the baseline, and the calibration table.
struct EvaluationTable {
    let evaluation: ModelEvaluation

    var text: String {
        let e = evaluation
        var lines = [
            "model evaluation \(e.evaluationID.map { String($0.prefix(8)) } ?? "(not stored)") of pipeline \"\(e.pipeline)\": "
                + "fitted on \(e.calibrationEnd), holdout after it to \(e.holdoutEnd) (\(e.holdoutDays) days)",
            "",
            Self.fitLine("purchase model", e.purchaseFit, unit: e.timeUnit),
            Self.fitLine("spend model", e.spendFit, unit: nil),
            "",
            "holdout purchase days per customer, \(e.customers) customers with a purchase by \(e.calibrationEnd) "
                + "(\(e.holdoutBuyers) bought again):",
        ]
        lines += Self.comparison(e.purchases, decimals: 3, totals: true)
        lines.append("")
        lines.append("mean spend per holdout purchase day, \(e.spend.customers) holdout buyers:")
        lines += Self.comparison(e.spend, decimals: 2, totals: false)
        lines.append("")
        lines.append("calibration by purchase frequency by \(e.calibrationEnd) (btyd_frequency), mean holdout purchase days:")
        if e.calibration.isEmpty {
            lines.append("  (no customers)")
        } else {
            let rows = e.calibration.map { bucket in
                [bucket.label, String(bucket.customers), Self.number(bucket.actualMean, 3),
                 bucket.modelMean.map { Self.number($0, 3) } ?? "-", Self.number(bucket.baselineMean, 3)]
            }
            lines += StatusTable.table(header: ["FREQUENCY", "CUSTOMERS", "ACTUAL", "MODEL", "BASELINE"], rows: rows,
                                       rightAligned: [1, 2, 3, 4])
        }
        return lines.joined(separator: "\n")
    }

    static func fitLine(_ title: String, _ fit: ModelEvaluation.Fit, unit: String?) -> String {
        var line = "\(title) \(fit.model)\(unit.map { " (time unit: \($0))" } ?? ""): \(fit.status)"
        if let parameters = fit.parameters {
            line += "  " + fit.parameterNames.map { "\($0)=\(parameters[$0].map { String(format: "%.4g", $0) } ?? "-")" }
                .joined(separator: " ")
        }
        if let logLikelihood = fit.logLikelihood { line += String(format: "  log-likelihood %.1f", logLikelihood) }
        line += "  customers \(fit.customers)"
        if let reason = fit.reason { line += "  reason: \(reason)" }
        return line
    }

    /// Model and baseline rows; `totals` adds the sums (meaningful for purchases, not for mean spend).
    static func comparison(_ comparison: ModelEvaluation.Comparison, decimals: Int, totals: Bool) -> [String] {
        guard comparison.customers > 0 else { return ["  (no customers)"] }
        let actual = comparison.actualMean.map { number($0, decimals) } ?? "-"
        let rows = [("model", comparison.model), ("baseline", comparison.baseline)].map { name, accuracy in
            [name, accuracy.map { number($0.predictedTotal, 1) } ?? "-", number(comparison.actualTotal, 1),
             accuracy.map { number($0.predictedMean, decimals) } ?? "-", actual,
             accuracy.map { number($0.meanAbsoluteError, decimals) } ?? "-",
             accuracy.map { number($0.rootMeanSquaredError, decimals) } ?? "-"]
        }
        var header = ["", "PREDICTED TOTAL", "ACTUAL TOTAL", "PREDICTED MEAN", "ACTUAL MEAN", "MAE", "RMSE"]
        var shown = rows
        if !totals {
            header.removeSubrange(1...2)
            shown = rows.map { row in var row = row; row.removeSubrange(1...2); return row }
        }
        var lines = StatusTable.table(header: header, rows: shown, rightAligned: Set(1..<header.count))
        if comparison.unpredicted > 0 {
            lines.append("  model: no prediction for \(comparison.unpredicted) of \(comparison.customers) customers, so it is not measured")
        }
        if let mae = comparison.maeRatio, let rmse = comparison.rmseRatio {
            lines.append(String(format: "  model vs baseline: MAE %.2f×, RMSE %.2f× (below 1: the model is better)", mae, rmse))
        }
        return lines
    }

    static func number(_ value: Double, _ decimals: Int) -> String {
        String(format: "%.\(decimals)f", value)
    }
}
