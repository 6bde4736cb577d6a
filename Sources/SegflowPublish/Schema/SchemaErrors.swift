import SegflowEngine

/// A migration file whose name or content cannot be used.
public struct MigrationFileError: SegflowError {
    public var code: SegflowErrorCode { .invalidMigrationFile }
    public var file: String
    public var problem: String
    public var description: String { "migration \(file): \(problem)" }
}

/// The output schema was migrated by a newer segflow: this build must not touch it.
public struct SchemaTooNewError: SegflowError {
    public var code: SegflowErrorCode { .schemaTooNew }
    public var schema: String
    public var schemaVersion: Int
    public var supportedVersion: Int
    public var description: String {
        "output schema \"\(schema)\" is at version \(schemaVersion), but this segflow knows migrations up to \(supportedVersion): upgrade segflow"
    }
}

/// The output schema lacks migrations this build needs.
public struct SchemaOutdatedError: SegflowError {
    public var code: SegflowErrorCode { .schemaOutdated }
    public var schema: String
    /// 0 when the schema or its `schema_migrations` table does not exist.
    public var schemaVersion: Int
    public var requiredVersion: Int
    /// Declared features without a column (the schema is at the required version otherwise).
    public var missingFeatureColumns: [String] = []
    public var description: String {
        schemaVersion == 0
            ? "output schema \"\(schema)\" has not been created: run `segflow migrate --schema \(schema)`"
            : schemaVersion == requiredVersion
            ? "output schema \"\(schema)\" has no column for the features \(missingFeatureColumns.joined(separator: ", ")): run `segflow migrate --schema \(schema)`"
            : "output schema \"\(schema)\" is at version \(schemaVersion), this segflow needs \(requiredVersion): run `segflow migrate --schema \(schema)`"
    }
}

/// An applied migration differs from the file of the same version: someone edited a
/// migration after it ran, or the schema belongs to another build.
public struct MigrationChecksumError: SegflowError {
    public var code: SegflowErrorCode { .migrationChecksumMismatch }
    public var schema: String
    public var version: Int
    public var name: String
    public var appliedChecksum: String
    public var fileChecksum: String
    public var description: String {
        "migration \(version) (\(name)) applied to \"\(schema)\" has checksum \(appliedChecksum.prefix(12))…, the file now has \(fileChecksum.prefix(12))…: applied migrations must never change; add a new one instead"
    }
}

/// The schema records a migration version this build does not have, below its newest.
public struct UnknownMigrationError: SegflowError {
    public var code: SegflowErrorCode { .unknownMigration }
    public var schema: String
    public var version: Int
    public var description: String {
        "output schema \"\(schema)\" records migration \(version), which this segflow does not have"
    }
}

/// Another process held the migration lock for too long.
public struct MigrationLockTimeoutError: SegflowError {
    public var code: SegflowErrorCode { .migrationLockTimeout }
    public var schema: String
    public var seconds: Double
    public var description: String {
        "another segflow is migrating or publishing to \"\(schema)\"; gave up waiting after \(seconds) s"
    }
}
