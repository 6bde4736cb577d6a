import ArgumentParser
import Foundation
import Logging
import Segflow

extension MetricsOptions {
    /// Records one published snapshot (a no-op unless an export was asked for).
    func recordPublished(_ report: PipelineRunner.Report, pipeline: PipelineConfiguration) {
        guard isEnabled else { return }
        RunMetrics().recordSnapshot(
            asOf: report.asOf, timeZone: pipeline.timeZone.zone,
            stageSeconds: report.stageSeconds, sources: report.quarantine.map(RunMetrics.SourceCounts.init),
            customers: report.customers, memberships: report.publish.rowCounts["customer_segments"] ?? 0
        )
        RunMetrics().recordModelFits(report.modelFits)
    }

    /// Records how the whole command ended, then writes and pushes everything recorded.
    func finish(error: (any Error)?, started: Date, logger: Logger) {
        guard isEnabled else { return }
        let exitCode = error.map(CommandFailure.code(for:)) ?? RunExitCode.ok
        let status = exitCode == RunExitCode.ok ? RunStatus.succeeded : RunStatus(failureExitCode: exitCode)
        RunMetrics().recordRun(status: status.rawValue, exitCode: exitCode, seconds: Date().timeIntervalSince(started))
        export(logger: logger)
    }
}
