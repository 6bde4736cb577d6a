import PostgresClient
import Segflow
import SegflowTestSupport
import Testing
@testable import SegflowCLI
@testable import SegflowPublish

@Suite struct MigrateCommandTests {
    @Test func migrateCreatesTheSchemaRecordsARunAndIsANoOpTheSecondTime() throws {
        let database = try LoadTestDatabase.make("cli_migrate")
        let arguments = ["--database-url", database.connectionString, "--schema", "bi out", "--log-level", "warning", "--log-format", "text"]
        let first = try MigrateCommand.parse(arguments)
        try first.run()
        let second = try MigrateCommand.parse(arguments)
        try second.run()

        let connection = try database.connect()
        try SchemaMigrator.checkCompatible(connection: connection, schema: "bi out")
        // Only the run that applied something is in the ledger.
        #expect(try connection.texts(#"select command, status, exit_code, row_counts->>'migrations_applied' from "bi out".runs"#) == [
            ["migrate", "succeeded", "0", String(try Migration.bundled().count)],
        ])
        let status = try MigrateCommand.parse(arguments + ["--status"])
        try status.run()
    }

    @Test func migrateRefusesASchemaFromANewerSegflow() throws {
        let (database, connection) = try LoadTestDatabase.migrated("cli_newer")
        try connection.execute("insert into segflow.schema_migrations (version, name, checksum) values (9999, 'future', 'x')")
        let command = try MigrateCommand.parse(["--database-url", database.connectionString, "--log-level", "warning", "--log-format", "text"])
        #expect(throws: SchemaTooNewError.self) { try command.run() }
    }

    @Test func aMigrationLockNotObtainedInTimeIsRecordedWithExit75() throws {
        let (database, connection) = try LoadTestDatabase.migrated("cli_migrate_locked")
        // Another migrator or publisher of the schema holds its lock.
        let holder = try database.connect()
        defer { holder.close() }
        #expect(try holder.advisoryLock(SchemaMigrator.lockKey(schema: "segflow"), timeout: 0))
        let command = try MigrateCommand.parse([
            "--database-url", database.connectionString, "--lock-timeout", "0.2", "--log-level", "warning", "--log-format", "text",
        ])
        let error = #expect(throws: MigrationLockTimeoutError.self) { try command.run() }
        #expect(error.map(CommandFailure.code(for:)) == RunExitCode.temporary)
        #expect(try connection.texts("select command, status, exit_code from segflow.runs order by started_at") == [
            ["migrate", "failed", "75"],
        ])
    }
}
