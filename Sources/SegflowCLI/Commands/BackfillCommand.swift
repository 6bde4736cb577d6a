import ArgumentParser
import Foundation
import Logging
import PostgresClient
import Segflow

/// `segflow backfill --from D1 --to D2 --every day|week|month`: the snapshots of a range.
struct BackfillCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backfill",
        abstract: "Build and publish the snapshots of a range of as-of days, skipping those already published.",
        discussion: """
            Days already published with the same configuration hash are skipped unless --force; a \
            killed backfill resumes where it stopped when run again. Snapshots of a batch share one \
            extraction; each is published atomically as soon as it is built. See docs/backfills.md.

            \(RunExitCode.summary)
            """
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var pipelineOptions: PipelineOptions
    @OptionGroup var logging: LoggingOptions
    @OptionGroup var execution: RunnerOptions
    @OptionGroup var metrics: MetricsOptions

    @Option(help: ArgumentHelp("The first as-of day (YYYY-MM-DD).", valueName: "date"))
    var from: PostgresDate

    @Option(help: ArgumentHelp("The last as-of day (YYYY-MM-DD), included when it falls on a step.", valueName: "date"))
    var to: PostgresDate

    @Option(help: ArgumentHelp("Step between as-of days: day, week or month (month ends if --from is one).", valueName: "step"))
    var every: BackfillPlan.Step = .month

    @Flag(help: "Rebuild days already published with the same configuration.")
    var force = false

    @Option(help: "As-of days per extraction (more: fewer extractions, a little more memory).")
    var batch = 12

    func validate() throws {
        guard from <= to else { throw ValidationError("--from \(from) is after --to \(to)") }
        guard batch >= 1 else { throw ValidationError("--batch must be at least 1") }
    }

    func run() throws {
        let logger = logging.makeLogger()
        let pipeline = try pipelineOptions.load()
        let started = Date()
        metrics.bootstrap()
        do {
            let plan = try BackfillPlan(from: from, to: to, every: every)
            let runner = PipelineRunner(
                database: connection.configuration, pipeline: pipeline,
                options: execution.runnerOptions, logger: logger
            )
            let display = BackfillProgressDisplay(logger: logger)
            let report = try BackfillRunner(runner: runner, options: .init(force: force, batchSize: batch))
                .run(plan) { display.show($0) }
            display.finish()
            for snapshot in report.published { metrics.recordPublished(snapshot, pipeline: pipeline) }
            metrics.finish(error: nil, started: started, logger: logger)
            print("backfill \(plan.from)…\(plan.to) every \(plan.every.rawValue): \(report.published.count) published, \(report.skipped.count) already published (skipped), \(String(format: "%.1f", report.seconds)) s")
            for snapshot in report.published {
                print("  \(snapshot.asOf)  \(String(snapshot.customers).leftPadded(9)) customers  run \(snapshot.runID)")
                // A model that did not converge left that snapshot's prediction features null: say so.
                for fit in snapshot.modelFits where !fit.isConverged {
                    print("    " + RunSummary.describe(fit))
                }
            }
        } catch {
            metrics.finish(error: error, started: started, logger: logger)
            throw CommandFailure.exit(for: error)
        }
    }
}

/// A progress bar with rate and ETA when standard error is a terminal, log lines otherwise.
final class BackfillProgressDisplay {
    private let logger: Logger
    private let terminal = isatty(STDERR_FILENO) != 0
    private var drawn = false

    init(logger: Logger) {
        self.logger = logger
    }

    func show(_ progress: BackfillProgress) {
        let done = progress.skipped + progress.published
        let rate = progress.rate.map { String(format: "%.2f/min", $0 * 60) } ?? "–"
        let eta = progress.eta.map(Self.duration) ?? "–"
        if terminal {
            let width = 30
            let filled = progress.total > 0 ? width * done / progress.total : width
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            let line = "\r\u{1B}[K\(bar) \(done)/\(progress.total) (\(progress.skipped) skipped) \(rate) ETA \(eta)"
                + (progress.lastAsOf.map { "  last \($0)" } ?? "")
            FileHandle.standardError.write(Data(line.utf8))
            drawn = true
        } else {
            logger.info("backfill progress", metadata: [
                "stage": "backfill", "done": "\(done)", "total": "\(progress.total)", "skipped": "\(progress.skipped)",
                "published": "\(progress.published)", "rate_per_minute": "\(progress.rate.map { String(format: "%.2f", $0 * 60) } ?? "")",
                "eta_seconds": "\(progress.eta.map { String(format: "%.0f", $0) } ?? "")",
                "as_of": "\(progress.lastAsOf.map { "\($0)" } ?? "")",
            ])
        }
    }

    func finish() {
        if drawn { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        return total >= 3600 ? "\(total / 3600)h\(String(format: "%02d", total % 3600 / 60))m" : total >= 60 ? "\(total / 60)m\(String(format: "%02d", total % 60))s" : "\(total)s"
    }
}
