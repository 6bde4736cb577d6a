import Foundation
import Logging
import PostgresClient

/// Creates and upgrades the output schema from the numbered files in `sql/output/`.
///
/// Each pending migration runs in its own transaction with `search_path` set to the
/// quoted schema, and is recorded in `schema_migrations` (version, name, checksum,
/// applied_at) in that same transaction. The whole run holds a session advisory lock
/// keyed by the schema name, which publishers also take (shared) so that a snapshot is
/// never published into a schema that is being migrated. After the migrations, the
/// feature columns of `customer_features` are brought in line with the declared features
/// (`FeatureColumnSync`): a new feature needs no migration file.
public final class SchemaMigrator {
    public let connection: PostgresConnection
    public let schema: String
    public let migrations: [Migration]
    private let logger: Logger

    /// `migrations` defaults to the ones bundled with this build.
    public init(connection: PostgresConnection, schema: String = "segflow", logger: Logger, migrations: [Migration]? = nil) throws {
        self.connection = connection
        self.schema = schema
        self.logger = logger
        self.migrations = try migrations ?? Migration.bundled()
    }

    /// The newest migration version this build knows.
    public var knownVersion: Int { migrations.last?.version ?? 0 }

    /// The advisory lock key of a schema; publishers take it shared, the migrator exclusive.
    public static func lockKey(schema: String) -> Int64 {
        PostgresConnection.advisoryLockKey(for: "segflow.output-schema:\(schema)")
    }

    /// Throws unless the schema is exactly at the version this build knows: every command
    /// other than `migrate` calls this before it reads or writes the output schema.
    /// `SchemaTooNewError` when a newer segflow migrated it, `SchemaOutdatedError` when it
    /// needs `segflow migrate`, `MigrationChecksumError` when an applied migration differs.
    @discardableResult
    public static func checkCompatible(connection: PostgresConnection, schema: String) throws -> SchemaStatus {
        let migrator = try SchemaMigrator(connection: connection, schema: schema, logger: connection.logger)
        return try migrator.checkCompatible()
    }

    @discardableResult
    public func checkCompatible() throws -> SchemaStatus {
        let status = try status()
        guard status.isCurrent else {
            throw SchemaOutdatedError(schema: schema, schemaVersion: status.version, requiredVersion: knownVersion,
                                      missingFeatureColumns: status.missingFeatureColumns)
        }
        return status
    }

    /// Reads `schema_migrations` and compares it with the known migrations. Throws when
    /// the schema is newer than this build or an applied migration changed.
    public func status() throws -> SchemaStatus {
        let table = PostgresQuery.quoteIdentifier(schema) + ".schema_migrations"
        let exists = try connection.execute("select to_regclass(\(table)) is not null")[0][0].bool ?? false
        var applied: [SchemaStatus.Applied] = []
        if exists {
            let rows = try connection.execute(
                "select version, name, checksum, applied_at from \(identifier: schema).schema_migrations order by version"
            )
            for row in rows.rows {
                applied.append(SchemaStatus.Applied(
                    version: try row[0].decode(Int.self) { $0.int },
                    name: row[1].string ?? "",
                    checksum: row[2].string ?? "",
                    appliedAt: row[3].timestamp
                ))
            }
        }
        let newest = applied.map(\.version).max() ?? 0
        if newest > knownVersion {
            throw SchemaTooNewError(schema: schema, schemaVersion: newest, supportedVersion: knownVersion)
        }
        let byVersion = Dictionary(uniqueKeysWithValues: migrations.map { ($0.version, $0) })
        for row in applied {
            guard let migration = byVersion[row.version] else {
                throw UnknownMigrationError(schema: schema, version: row.version)
            }
            if migration.checksum != row.checksum {
                throw MigrationChecksumError(
                    schema: schema, version: row.version, name: row.name,
                    appliedChecksum: row.checksum, fileChecksum: migration.checksum
                )
            }
        }
        let appliedVersions = Set(applied.map(\.version))
        let pending = migrations.filter { !appliedVersions.contains($0.version) }
        if let gap = pending.first, gap.version < newest {
            // A migration older than an applied one was never applied: the order is broken.
            throw UnknownMigrationError(schema: schema, version: gap.version)
        }
        let missingFeatures = pending.isEmpty && exists ? try featureColumns.missingColumns().map(\.name) : []
        return SchemaStatus(schema: schema, exists: exists, applied: applied, pending: pending, knownVersion: knownVersion,
                            missingFeatureColumns: missingFeatures)
    }

    /// Applies the pending migrations in order and returns them; a no-op when the schema
    /// is current. Waits up to `lockTimeout` seconds (nil: forever) for other migrators
    /// and publishers of the same schema. ``upgrade(lockTimeout:)`` also says what it did
    /// to the feature columns.
    @discardableResult
    public func migrate(lockTimeout: Double? = 60) throws -> [Migration] {
        try upgrade(lockTimeout: lockTimeout).applied
    }

    /// Applies the pending migrations in order, then adds the columns of declared features
    /// that have none and sets the feature columns' comments from their declarations
    /// (`FeatureColumnSync`, one transaction). A no-op when the schema is current.
    public func upgrade(lockTimeout: Double? = 60) throws -> SchemaUpgrade {
        let key = Self.lockKey(schema: schema)
        guard try connection.advisoryLock(key, timeout: lockTimeout) else {
            throw MigrationLockTimeoutError(schema: schema, seconds: lockTimeout ?? 0)
        }
        defer { _ = try? connection.advisoryUnlock(key) }

        try createBookkeeping()
        let pending = try status().pending
        let clock = ContinuousClock()
        for migration in pending {
            let started = clock.now
            try connection.transaction {
                try connection.simpleQuery("set local search_path to \(PostgresQuery.quoteIdentifier(schema)), pg_catalog, pg_temp")
                try connection.simpleQuery(migration.sql)
                try connection.execute("""
                    insert into \(identifier: schema).schema_migrations (version, name, checksum)
                    values (\(migration.version), \(migration.name), \(migration.checksum))
                    """)
            }
            logger.info("applied migration", metadata: [
                "schema": .string(schema),
                "version": .stringConvertible(migration.version),
                "migration": .string(migration.name),
                "seconds": .string(Self.seconds(clock.now - started)),
            ])
        }
        let features = try featureColumns.apply()
        let upgrade = SchemaUpgrade(applied: pending, addedFeatureColumns: features.added, commentedFeatureColumns: features.commented)
        if upgrade.isEmpty {
            logger.info("output schema is current", metadata: ["schema": .string(schema), "version": .stringConvertible(knownVersion)])
        }
        return upgrade
    }

    private var featureColumns: FeatureColumnSync {
        FeatureColumnSync(connection: connection, schema: schema, logger: logger)
    }

    /// The schema and `schema_migrations` itself, created outside the numbered files
    /// because they must exist before the first version can be read.
    private func createBookkeeping() throws {
        try connection.transaction {
            let schemaExists = try connection.execute("select exists (select from pg_namespace where nspname = \(schema))")[0][0].bool ?? false
            if !schemaExists {
                try connection.execute("create schema \(identifier: schema)")
                logger.info("created output schema", metadata: ["schema": .string(schema)])
            }
            try connection.execute("""
                create table if not exists \(identifier: schema).schema_migrations (
                    version    int4        primary key,
                    name       text        not null,
                    checksum   text        not null,
                    applied_at timestamptz not null default now()
                )
                """)
            try connection.simpleQuery("""
                comment on table \(PostgresQuery.quoteIdentifier(schema)).schema_migrations is 'Migrations of this schema that segflow applied (files sql/output/NNNN_name.sql).';
                comment on column \(PostgresQuery.quoteIdentifier(schema)).schema_migrations.version is 'The NNNN of the file; applied in increasing order.';
                comment on column \(PostgresQuery.quoteIdentifier(schema)).schema_migrations.name is 'The file name without version and extension.';
                comment on column \(PostgresQuery.quoteIdentifier(schema)).schema_migrations.checksum is 'SHA-256 of the file (LF line endings) when it was applied; a file that no longer matches is an error.';
                comment on column \(PostgresQuery.quoteIdentifier(schema)).schema_migrations.applied_at is 'When the migration was applied.';
                """)
        }
    }

    static func seconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let value = Double(seconds) + Double(attoseconds) / 1e18
        return String(format: "%.3f", value)
    }
}
