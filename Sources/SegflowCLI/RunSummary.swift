import Foundation
import Segflow

/// The human summary `run` and `demo` print.
struct RunSummary {
    let report: PipelineRunner.Report

    var text: String {
        var lines: [String] = []
        lines.append("snapshot \(report.asOf) published (run \(report.runID)): \(report.customers) customers")
        let stages = ["extract_clean_join", "features", "models", "segment", "load"]
            .compactMap { stage in report.stageSeconds[stage].map { "\(stage) \(String(format: "%.1f", $0)) s" } }
        lines.append("  stages: " + stages.joined(separator: ", "))
        for fit in report.modelFits {
            lines.append("  " + Self.describe(fit))
        }
        for log in report.quarantine where log.rowsIn > 0 {
            lines.append("  \(log.source.padding(toLength: 12, withPad: " ", startingAt: 0)) in \(log.rowsIn), kept \(log.rowsKept), quarantined \(log.rowsRejected), repaired \(log.rowsRepaired)")
        }
        if !report.primarySegmentSizes.isEmpty {
            lines.append("  primary segments:")
            let total = max(1, report.primarySegmentSizes.reduce(0) { $0 + $1.members })
            for segment in report.primarySegmentSizes {
                let share = String(format: "%5.1f%%", 100 * Double(segment.members) / Double(total))
                lines.append("    \(segment.name.padding(toLength: 28, withPad: " ", startingAt: 0)) \(String(segment.members).leftPadded(9)) \(share)")
            }
        }
        var segmentations: [String] = []
        for profile in report.clusterProfiles where !segmentations.contains(profile.segmentationKey) {
            segmentations.append(profile.segmentationKey)
        }
        for key in segmentations {
            let clusters = report.clusterProfiles.filter { $0.segmentationKey == key }
            guard let fit = clusters.first else { continue }
            var line = "  clusters \(key): k \(fit.k) of \(fit.clustered) customers"
            line += fit.silhouette.map { ", silhouette \(String(format: "%.2f", $0))" } ?? ""
            line += fit.warmStart ? ", from the previous snapshot" : ", fresh start"
            if let largest = clusters.filter({ $0.drift != nil }).max(by: { ($0.drift ?? 0) < ($1.drift ?? 0) }), let drift = largest.drift {
                line += ", largest drift \(String(format: "%.2f", drift)) (cluster \(largest.clusterID))"
            }
            lines.append(line + ":")
            for cluster in clusters {
                let share = String(format: "%5.1f%%", 100 * cluster.share)
                lines.append("    \(String(cluster.clusterID).leftPadded(2)) \(cluster.name.padding(toLength: 36, withPad: " ", startingAt: 0)) \(String(cluster.size).leftPadded(9)) \(share)")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// `model bg_nbd (days): converged, r 0.243, alpha 4.41, … (12000 customers)`, or a warning
    /// with the reason when the fit did not converge.
    static func describe(_ fit: ModelFitRecord) -> String {
        let unit = fit.timeUnit.map { " (\($0))" } ?? ""
        guard fit.isConverged else {
            return "warning: model \(fit.model)\(unit) \(fit.status): \(fit.reason ?? "no reason given"); its prediction features are null"
        }
        let parameters = zip(fit.parameterNames, fit.parameters).map { "\($0) \(String(format: "%.4g", $1))" }
        return "model \(fit.model)\(unit): converged, \(parameters.joined(separator: ", ")) (\(fit.customers) customers)"
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
