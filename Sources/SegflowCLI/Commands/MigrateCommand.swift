import ArgumentParser
import Logging
import PostgresClient
import Segflow

/// `segflow migrate`: creates or upgrades the output schema; a no-op when it is current.
struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Create or upgrade the output schema (sql/output migrations, applied in order).",
        discussion: """
            Each pending migration runs in its own transaction under an advisory lock, so \
            concurrent runs and publishers wait for each other. Refuses a schema that a newer \
            segflow migrated, and one whose applied migrations differ from this build's files.
            """
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var logging: LoggingOptions
    @OptionGroup var retry: RetryOptions

    @Option(help: "Name of the output schema.")
    var schema: String = "segflow"

    @Option(help: ArgumentHelp("Seconds to wait for another migrator or publisher of the schema.", valueName: "seconds"))
    var lockTimeout: Double = 60

    @Flag(help: "Only show the applied and pending migrations.")
    var status = false

    func validate() throws {
        guard !schema.isEmpty else { throw ValidationError("--schema must not be empty") }
    }

    func run() throws {
        let logger = logging.makeLogger()
        let database = try retry.connect(connection.configuration, logger: logger)
        defer { database.close() }
        let migrator = try SchemaMigrator(connection: database, schema: schema, logger: logger)

        if status {
            let state = try migrator.status()
            for applied in state.applied {
                print("applied  \(applied.version)  \(applied.name)  \(applied.appliedAt?.description ?? "")")
            }
            for pending in state.pending {
                print("pending  \(pending.version)  \(pending.name)")
            }
            for feature in state.missingFeatureColumns {
                print("pending  feature column \(feature)")
            }
            print("schema \"\(schema)\" at version \(state.version) of \(state.knownVersion)")
            return
        }

        let ledger = RunLedger(connection: database, schema: schema, logger: logger)
        let upgrade: SchemaUpgrade
        do {
            upgrade = try migrator.upgrade(lockTimeout: lockTimeout)
        } catch {
            // Leave a trace in the ledger when the schema is far enough along to have one.
            // With the exit code the command ends with (75 for a lock not obtained in time).
            let code = RunExitCode.code(for: error)
            if let runID = try? ledger.start(RunStart(command: "migrate", segflowVersion: SegflowVersion.current)) {
                try? ledger.finish(runID, status: RunStatus(failureExitCode: code), exitCode: code, error: String(describing: error))
            }
            throw error
        }
        let applied = upgrade.applied
        if !upgrade.isEmpty {
            let runID = try ledger.start(RunStart(command: "migrate", segflowVersion: SegflowVersion.current))
            try ledger.finish(runID, status: .succeeded, exitCode: RunExitCode.ok, rowCounts: [
                "migrations_applied": applied.count,
                "feature_columns_added": upgrade.addedFeatureColumns.count,
                "feature_comments_set": upgrade.commentedFeatureColumns.count,
            ])
        }
        for feature in upgrade.addedFeatureColumns { print("added feature column \(feature)") }
        print("schema \"\(schema)\" at version \(migrator.knownVersion) (\(applied.count) migration\(applied.count == 1 ? "" : "s") applied)")
    }
}
