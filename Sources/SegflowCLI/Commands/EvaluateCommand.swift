import ArgumentParser
import Foundation
import PostgresClient
import Segflow

/// `segflow evaluate --calibration-end D1 --holdout-end D2`: how well the pipeline's models predicted
/// the holdout (docs/models.md, "Evaluation").
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Fit the pipeline's models on the snapshot of one day and compare their predictions with what happened next.",
        discussion: """
            Builds the snapshots of --calibration-end and --holdout-end from one extraction (nothing is \
            published), fits the models of the pipeline file's models: section on the first, and compares \
            predicted with actual purchase days and spend in the holdout, beside a naive baseline (each \
            customer's past repeat-purchase rate). Prints a table (or --json) and stores one row in \
            <schema>.model_evaluations. Takes no pipeline lock.

            Exit codes: \(RunExitCode.ok) ok; \(RunExitCode.usage) usage or configuration error (--calibration-end \
            not before --holdout-end, checked before connecting); \(RunExitCode.temporary) temporary failure worth \
            retrying (database unavailable after --retry-for, or a table lock within --table-lock-timeout); \
            \(RunExitCode.terminated) / \(RunExitCode.interrupted) stopped by SIGTERM / SIGINT; \(RunExitCode.failure) \
            anything else, including a fit that did not converge (reported and stored first).
            """
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var pipelineOptions: PipelineOptions
    @OptionGroup var logging: LoggingOptions
    @OptionGroup var engine: EngineOptions

    @Option(help: ArgumentHelp("The day the models are fitted on, in the pipeline's timezone (YYYY-MM-DD).", valueName: "date"))
    var calibrationEnd: PostgresDate

    @Option(help: ArgumentHelp("The last day of the holdout (after --calibration-end).", valueName: "date"))
    var holdoutEnd: PostgresDate

    @Flag(help: "Print the evaluation as one JSON document.")
    var json = false

    func validate() throws {
        guard calibrationEnd < holdoutEnd else {
            throw ValidationError(InvalidEvaluationRangeError(calibrationEnd: calibrationEnd, holdoutEnd: holdoutEnd).description)
        }
    }

    func run() throws {
        let logger = logging.makeLogger()
        let pipeline = try pipelineOptions.load()
        let evaluator = ModelEvaluator(database: connection.configuration, pipeline: pipeline,
                                       options: engine.runnerOptions(), logger: logger)
        let outcome: ModelEvaluator.Outcome
        do {
            outcome = try evaluator.evaluate(calibrationEnd: calibrationEnd, holdoutEnd: holdoutEnd)
        } catch {
            throw CommandFailure.exit(for: error)
        }
        let evaluation = outcome.evaluation
        if json {
            try CommandOutput.printJSON(evaluation)
        } else {
            print(EvaluationTable(evaluation: evaluation).text)
        }
        guard evaluation.isConverged else {
            let failed = [evaluation.purchaseFit, evaluation.spendFit].filter { !$0.isConverged }
            throw CommandFailure.exit(for: ModelNotConvergedError(fits: failed))
        }
    }
}
