import PostgresClient

/// Where an output schema stands relative to the migrations of this build.
public struct SchemaStatus: Sendable {
    /// A row of `schema_migrations`.
    public struct Applied: Sendable, Hashable {
        public var version: Int
        public var name: String
        public var checksum: String
        public var appliedAt: PostgresTimestamp?
    }

    public var schema: String
    /// False when the schema or its `schema_migrations` table does not exist yet.
    public var exists: Bool
    public var applied: [Applied]
    /// Bundled migrations newer than the schema, in order.
    public var pending: [Migration]
    /// The newest version this build knows.
    public var knownVersion: Int
    /// Declared features without a column in `customer_features` (`segflow migrate` adds them).
    public var missingFeatureColumns: [String] = []

    /// The newest applied version; 0 for none.
    public var version: Int { applied.map(\.version).max() ?? 0 }
    public var isCurrent: Bool { exists && version == knownVersion && pending.isEmpty && missingFeatureColumns.isEmpty }
}
