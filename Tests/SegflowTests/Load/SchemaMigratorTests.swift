import Foundation
import PostgresClient
import SegflowTestSupport
import Testing
@testable import SegflowEngine
@testable import SegflowPublish

@Suite struct SchemaMigratorTests {
    private let logger = LoadTestDatabase.logger

    @Test func migratingTwiceAppliesEverythingOnceThenNothing() throws {
        let database = try LoadTestDatabase.make("migrate_twice")
        let connection = try database.connect()
        let migrator = try SchemaMigrator(connection: connection, schema: "segflow", logger: logger)

        let first = try migrator.migrate()
        #expect(first.map(\.version) == migrator.migrations.map(\.version))
        let before = try connection.texts("select version, name, checksum, applied_at from segflow.schema_migrations order by version")

        let second = try migrator.migrate()
        #expect(second.isEmpty)
        #expect(try connection.texts("select version, name, checksum, applied_at from segflow.schema_migrations order by version") == before)
        #expect(try migrator.status().isCurrent)
        try SchemaMigrator.checkCompatible(connection: connection, schema: "segflow")
    }

    @Test func migrationsApplyOneByOneInVersionOrder() throws {
        let database = try LoadTestDatabase.make("migrate_steps")
        let connection = try database.connect()
        let all = try Migration.bundled()
        #expect(all.count >= 2)
        let partial = try SchemaMigrator(connection: connection, schema: "segflow", logger: logger, migrations: Array(all.prefix(1)))
        #expect(try partial.migrate().count == 1)

        let full = try SchemaMigrator(connection: connection, schema: "segflow", logger: logger)
        #expect(try full.status().pending.map(\.version) == all.dropFirst().map(\.version))
        #expect(throws: SchemaOutdatedError.self) { try full.checkCompatible() }
        #expect(try full.migrate().map(\.version) == all.dropFirst().map(\.version))
        #expect(try full.status().isCurrent)
    }

    @Test func editingAnAppliedMigrationIsAnError() throws {
        let (database, connection) = try LoadTestDatabase.migrated("migrate_edited")
        _ = database
        var edited = try Migration.bundled()
        edited[0].sql += "\n-- an innocent-looking edit\n"
        let migrator = try SchemaMigrator(connection: connection, schema: "segflow", logger: logger, migrations: edited)

        let error = #expect(throws: MigrationChecksumError.self) { try migrator.migrate() }
        #expect(error?.version == edited[0].version)
        #expect(throws: MigrationChecksumError.self) { try migrator.checkCompatible() }
    }

    @Test func lineEndingsDoNotChangeTheChecksum() throws {
        let migration = try #require(try Migration.bundled().first)
        var crlf = migration
        crlf.sql = migration.sql.replacingOccurrences(of: "\n", with: "\r\n")
        #expect(crlf.checksum == migration.checksum)
        #expect(migration.checksum.count == 64)
        // The known SHA-256 of "abc" pins the digest implementation.
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func aSchemaNewerThanThisBuildIsRefusedWithBothVersions() throws {
        let (database, connection) = try LoadTestDatabase.migrated("migrate_newer")
        _ = database
        let migrator = try SchemaMigrator(connection: connection, schema: "segflow", logger: logger)
        let future = migrator.knownVersion + 1
        try connection.execute("insert into segflow.schema_migrations (version, name, checksum) values (\(future), 'from_the_future', 'x')")

        let error = #expect(throws: SchemaTooNewError.self) {
            try SchemaMigrator.checkCompatible(connection: connection, schema: "segflow")
        }
        #expect(error?.schemaVersion == future)
        #expect(error?.supportedVersion == migrator.knownVersion)
        #expect(error?.description.contains("version \(future)") == true)
        #expect(throws: SchemaTooNewError.self) { try migrator.migrate() }
        // Commands that record a run refuse too.
        let ledger = RunLedger(connection: connection, schema: "segflow", logger: logger)
        #expect(throws: SchemaTooNewError.self) { try ledger.start(RunStart(command: "run", segflowVersion: "test")) }
    }

    @Test func aMissingSchemaAsksForMigrate() throws {
        let database = try LoadTestDatabase.make("migrate_missing")
        let connection = try database.connect()
        let error = #expect(throws: SchemaOutdatedError.self) {
            try SchemaMigrator.checkCompatible(connection: connection, schema: "segflow")
        }
        #expect(error?.schemaVersion == 0)
        #expect(error?.description.contains("segflow migrate") == true)
    }

    @Test func anyConfiguredSchemaNameWorks() throws {
        let database = try LoadTestDatabase.make("migrate_weird")
        let connection = try database.connect()
        let schema = #"Reporting "BI"; drop table x"#
        try SchemaMigrator(connection: connection, schema: schema, logger: logger).migrate()
        try SchemaMigrator.checkCompatible(connection: connection, schema: schema)
        let tables = try connection.execute("""
            select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = \(schema) and c.relname in ('runs', 'customer_features', 'segment_kpis', 'current_customer_features')
            """)[0][0].int
        #expect(tables == 4)
        // Nothing leaked into public.
        #expect(try connection.execute("select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public'")[0][0].int == 0)
    }

    @Test func concurrentMigratorsApplyEachMigrationOnce() throws {
        let database = try LoadTestDatabase.make("migrate_race")
        let failures = ErrorBox()
        let group = DispatchGroup()
        for _ in 0..<3 {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                do {
                    let connection = try database.connect()
                    try SchemaMigrator(connection: connection, schema: "segflow", logger: LoadTestDatabase.logger).migrate()
                } catch {
                    failures.append(error)
                }
            }
        }
        group.wait()
        #expect(failures.errors.isEmpty, "\(failures.errors)")
        let connection = try database.connect()
        let rows = try connection.execute("select count(*), count(distinct version) from segflow.schema_migrations")[0]
        #expect(rows[0].int == rows[1].int)
        #expect(rows[0].int == (try Migration.bundled().count))
    }

    @Test func customerFeaturesColumnsMatchTheCatalogExactly() throws {
        let (database, connection) = try LoadTestDatabase.migrated("migrate_columns")
        _ = database
        let columns = try connection.execute("""
            select a.attname, format_type(a.atttypid, a.atttypmod), col_description(a.attrelid, a.attnum)
            from pg_attribute a
            where a.attrelid = 'segflow.customer_features'::regclass and a.attnum > 0 and not a.attisdropped
            order by a.attnum
            """)
        let expectedTypes: [FeatureDefinition.Kind: String] = [
            .integer: "integer", .real: "double precision", .money: "numeric(14,2)",
            .date: "date", .text: "text", .boolean: "boolean",
        ]
        let actual = columns.rows.map { [$0[0].string, $0[1].string] }
        let expected = [["as_of", "date"], ["customer_id", "bigint"]]
            + FeatureCatalog.all.map { [$0.name, expectedTypes[$0.kind]] }
        #expect(actual == expected)
        // Column comments are the catalog's descriptions, for BI catalogs.
        let comments = columns.rows.dropFirst(2).map { $0[2].string }
        #expect(comments == FeatureCatalog.all.map(\.description))
        // The current view has the same columns.
        let viewColumns = try connection.execute("""
            select attname from pg_attribute
            where attrelid = 'segflow.current_customer_features'::regclass and attnum > 0 order by attnum
            """).rows.map { $0[0].string }
        #expect(viewColumns == expected.map { $0[0] })
    }

    /// A build that declares a feature the schema lacks (a new feature): `checkCompatible`
    /// asks for `segflow migrate`, which appends the column, comments it on the table and
    /// the current view, re-sets a drifted comment, and is a no-op the second time.
    @Test func migrateAddsDeclaredFeatureColumnsAndReappliesTheirComments() throws {
        let (database, connection) = try LoadTestDatabase.migrated("migrate_feature_sync")
        _ = database
        let last = try #require(FeatureCatalog.all.last)
        try connection.simpleQuery("""
            drop view segflow.current_customer_features;
            alter table segflow.customer_features drop column \(last.name);
            create view segflow.current_customer_features as
                select f.* from segflow.customer_features f where f.as_of = (select max(as_of) from segflow.snapshots);
            comment on column segflow.customer_features.frequency is 'stale';
            """)
        let outdated = #expect(throws: SchemaOutdatedError.self) {
            try SchemaMigrator.checkCompatible(connection: connection, schema: "segflow")
        }
        #expect(outdated?.missingFeatureColumns == [last.name])

        let migrator = try SchemaMigrator(connection: connection, schema: "segflow", logger: logger)
        let upgrade = try migrator.upgrade()
        #expect(upgrade.applied.isEmpty)
        #expect(upgrade.addedFeatureColumns == [last.name])
        #expect(Set(upgrade.commentedFeatureColumns) == Set(FeatureCatalog.all.map(\.name)))
        try SchemaMigrator.checkCompatible(connection: connection, schema: "segflow")
        for relation in ["customer_features", "current_customer_features"] {
            let columns = try connection.texts("""
                select a.attname, col_description(a.attrelid, a.attnum) from pg_attribute a
                where a.attrelid = to_regclass(\("segflow." + relation)) and a.attnum > 2 and not a.attisdropped
                order by a.attnum
                """)
            #expect(columns == FeatureCatalog.all.map { [$0.name, $0.description] }, "\(relation)")
        }
        #expect(try migrator.upgrade().isEmpty)
    }

    @Test func everyTableViewAndColumnHasAComment() throws {
        let (database, connection) = try LoadTestDatabase.migrated("migrate_comments")
        _ = database
        let uncommented = try connection.execute("""
            select c.relname || coalesce('.' || a.attname, '')
            from pg_class c
            join pg_namespace n on n.oid = c.relnamespace
            left join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
            where n.nspname = 'segflow' and c.relkind in ('r', 'p', 'v')
              and ((a.attnum is null and obj_description(c.oid, 'pg_class') is null)
                   or (a.attnum is not null and col_description(c.oid, a.attnum) is null)
                   or obj_description(c.oid, 'pg_class') is null)
            """).rows.map { $0[0].string ?? "" }
        #expect(uncommented.isEmpty, "\(uncommented)")
    }
}

/// Errors collected from worker threads.
final class ErrorBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [any Error] = []

    func append(_ error: any Error) { lock.withLock { stored.append(error) } }
    var errors: [any Error] { lock.withLock { stored } }
}
