import ArgumentParser
import Foundation
import PostgresClient
import Segflow

/// `segflow validate`: every problem of a pipeline file and of the source tables it maps.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a pipeline file and the source tables it reads; print every problem as file:line:column.",
        discussion: """
            Without --no-database, also checks that each source's table or query yields the columns \
            segflow reads, with types it can convert. Exit codes: 0 no error (warnings allowed), \
            2 problems found, 75 the database could not be reached (temporary), 1 anything else (a refused login too).
            """
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var pipelineOptions: PipelineOptions
    @OptionGroup var logging: LoggingOptions

    @Flag(help: "Print the problems as a JSON array of {file, line, column, severity, message, code}.")
    var json = false

    @Flag(help: "Check the file only, not the source tables.")
    var noDatabase = false

    func run() throws {
        let logger = logging.makeLogger(label: "segflow.validate", defaultLevel: .warning)
        let validator = PipelineValidator(logger: logger)
        let source = pipelineOptions.source
        func validate(_ database: PostgresConfiguration?) throws -> PipelineValidator.Report {
            switch source {
            case .file(let path): try validator.validate(path: path, database: database)
            case .builtIn(let yaml): try validator.validate(yaml: yaml, file: source.name, database: database)
            }
        }
        let report: PipelineValidator.Report
        do {
            report = try validate(noDatabase ? nil : connection.configuration)
        } catch {
            // The file's own problems still count; the database part could not run.
            let fileOnly = try validate(nil)
            try printReport(fileOnly, databaseNote: "source tables not checked")
            throw CommandFailure.exit(for: error, context: "cannot check the source tables")
        }
        try printReport(report, databaseNote: noDatabase ? "source tables not checked (--no-database)"
            : "\(report.checkedSources.count) sources checked against the database")
        // The problems are on standard output already: nothing more to report.
        if !report.isClean { throw ExitCode(RunExitCode.usage) }
    }

    private func printReport(_ report: PipelineValidator.Report, databaseNote: String) throws {
        if json {
            // Foundation pretty-prints an empty array over three lines.
            if report.issues.isEmpty { print("[]") } else { try CommandOutput.printJSON(report.issues) }
            return
        }
        for issue in report.issues { print(issue) }
        let errors = report.errors.count
        let warnings = report.warnings.count
        if errors == 0, warnings == 0 {
            print("\(report.file): valid; \(databaseNote)")
        } else {
            print("\(report.file): \(CommandOutput.count(errors, "error")), \(CommandOutput.count(warnings, "warning")); \(databaseNote)")
        }
    }
}
