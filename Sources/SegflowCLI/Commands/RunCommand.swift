import ArgumentParser
import Foundation
import PostgresClient
import Segflow

/// `segflow run --as-of D`: build and publish one snapshot.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Build the snapshot of one as-of day and publish it atomically.",
        discussion: """
            Checks the pipeline's quality gates before publishing, retries transient database \
            failures for --retry-for seconds, and waits up to --lock-timeout for another run of the \
            same pipeline.

            \(RunExitCode.summary)
            """
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var pipelineOptions: PipelineOptions
    @OptionGroup var logging: LoggingOptions
    @OptionGroup var execution: RunnerOptions
    @OptionGroup var metrics: MetricsOptions

    @Option(help: ArgumentHelp("The snapshot's day in the pipeline's timezone (YYYY-MM-DD).", valueName: "date"))
    var asOf: PostgresDate

    func run() throws {
        let logger = logging.makeLogger()
        let pipeline = try pipelineOptions.load()
        let runner = PipelineRunner(
            database: connection.configuration, pipeline: pipeline,
            options: execution.runnerOptions, logger: logger
        )
        let started = Date()
        metrics.bootstrap()
        do {
            let report = try runner.run(asOf: asOf)
            metrics.recordPublished(report, pipeline: pipeline)
            metrics.finish(error: nil, started: started, logger: logger)
            print(RunSummary(report: report).text)
        } catch {
            metrics.finish(error: error, started: started, logger: logger)
            throw CommandFailure.exit(for: error)
        }
    }
}
