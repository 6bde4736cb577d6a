import ArgumentParser
import Foundation
import PostgresClient
import Segflow

/// `segflow status`: recent runs from the ledger and the published snapshots.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show recent runs (from the run ledger) and the published snapshots.",
        discussion: """
            Reads the output schema of the pipeline file (or --schema). Exit codes: 0 ok, \
            2 usage or configuration error, 75 the database could not be reached, 1 anything else (a refused login too).
            """
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var pipelineOptions: PipelineOptions
    @OptionGroup var logging: LoggingOptions

    @Option(help: "How many runs and snapshots to show, newest first.")
    var limit: Int = 20

    @Option(help: "Output schema to read (default: the pipeline file's output.schema).")
    var schema: String?

    @Flag(help: "Print {schema, runs, snapshots} as JSON.")
    var json = false

    func validate() throws {
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
        if let schema, schema.isEmpty { throw ValidationError("--schema must not be empty") }
    }

    func run() throws {
        let logger = logging.makeLogger(label: "segflow.status", defaultLevel: .warning)
        let schemaName = try schema ?? pipelineOptions.load().output.schema
        let overview: RunHistory.Overview
        do {
            let database = try PostgresConnection(connection.configuration, logger: logger)
            defer { database.close() }
            overview = try RunHistory(connection: database, schema: schemaName).overview(limit: limit)
        } catch {
            throw CommandFailure.exit(for: error)
        }
        if json {
            try CommandOutput.printJSON(overview)
        } else {
            print(StatusTable(overview: overview).text)
        }
    }
}
