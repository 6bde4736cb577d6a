import ArgumentParser
import Logging
import PostgresClient
import Segflow

/// `segflow grant-bi`: read-only access for a BI tool to the BI layer and the published tables.
struct GrantBICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grant-bi",
        abstract: "Give a role read-only access to the BI layer and the published tables (never quarantine or the sources).",
        discussion: """
            Grants usage on the output schema and its BI schema (<schema>_bi), select on the \
            published tables and current_* views and on every BI view; revokes any grant on \
            quarantine, runs and schema_migrations. Creates the role (nologin) if it does not \
            exist: give it a login, or grant it to the BI tool's login role. Fails, granting \
            nothing, when the role could still read quarantine or a source table. Run it again \
            after `segflow migrate`. Exit codes: 0 ok, 2 usage error, 1 anything else.
            """
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var logging: LoggingOptions

    @Option(help: "The role to grant to (created nologin if missing).")
    var role: String

    @Option(help: "Name of the output schema.")
    var schema: String = "segflow"

    @Option(name: .customLong("source-schema"), help: "A schema of source tables the role must not read (repeatable; default: shop).")
    var sourceSchemas: [String] = []

    @Flag(help: "Fail instead of creating the role when it does not exist.")
    var noCreate = false

    func validate() throws {
        guard !schema.isEmpty else { throw ValidationError("--schema must not be empty") }
        guard !role.isEmpty else { throw ValidationError("--role must not be empty") }
    }

    func run() throws {
        let logger = logging.makeLogger()
        let database = try PostgresConnection(connection.configuration, logger: logger)
        defer { database.close() }
        try BIAccess.grant(
            connection: database, schema: schema, role: role, createRole: !noCreate,
            sourceSchemas: sourceSchemas.isEmpty ? ["shop"] : sourceSchemas, logger: logger
        )
        print("role \"\(role)\" can read \"\(OutputSchemas.bi(of: schema))\" and the published tables of \"\(schema)\"")
    }
}
