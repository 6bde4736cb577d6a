import Logging
import PostgresClient
import SegflowEngine

/// Keeps `customer_features` in line with the declared features (`FeatureKey`), as the
/// last step of `segflow migrate`, so that adding a feature needs no migration file:
/// declared features without a column get one (appended, so published column positions
/// never move; old snapshots read null), and every feature column's comment — on the table
/// and on `current_customer_features` — is set to the feature's description. Idempotent:
/// a current schema is left untouched.
struct FeatureColumnSync {
    let connection: PostgresConnection
    let schema: String
    let logger: Logger

    /// Declared features without a column; empty while `customer_features` does not exist
    /// (its migration is pending, and the sync after it adds them).
    func missingColumns() throws -> [FeatureDefinition] {
        let existing = try columns(of: "customer_features")
        guard !existing.isEmpty else { return [] }
        return FeatureCatalog.all.filter { existing[$0.name] == nil }
    }

    /// Adds the missing columns and sets the comments that differ, in one transaction;
    /// returns the names of the columns added and of those (re)commented. Call with the
    /// migration lock held, after the migrations.
    func apply() throws -> (added: [String], commented: [String]) {
        var changes: (added: [String], commented: [String]) = ([], [])
        try connection.transaction {
            try connection.simpleQuery("set local search_path to \(PostgresQuery.quoteIdentifier(schema)), pg_catalog, pg_temp")
            let missing = try missingColumns()
            for feature in missing {
                try run("select format('alter table %I.customer_features add column %I %s', \(schema)::text, \(feature.name)::text, \(feature.kind.columnType)::text)")
                changes.added.append(feature.name)
            }
            let viewComments = try columns(of: "current_customer_features")
            if !missing.isEmpty, !viewComments.isEmpty {
                // A view's columns are fixed when it is created (migration 0004): recreate it
                // with the same query so that it shows the new columns too.
                try connection.simpleQuery("""
                    create or replace view current_customer_features as
                    select f.*
                    from customer_features f
                    where f.as_of = (select max(as_of) from snapshots)
                    """)
            }
            // Relations that do not exist (yet) have no columns and are skipped.
            let commented = [("customer_features", try columns(of: "customer_features")),
                             ("current_customer_features", try columns(of: "current_customer_features"))]
            for feature in FeatureCatalog.all {
                var changed = false
                for (relation, comments) in commented
                where comments[feature.name].map({ $0 != feature.description }) ?? false {
                    try run("select format('comment on column %I.%I.%I is %L', \(schema)::text, \(relation)::text, \(feature.name)::text, \(feature.description)::text)")
                    changed = true
                }
                if changed { changes.commented.append(feature.name) }
            }
        }
        for name in changes.added {
            logger.info("added feature column", metadata: ["schema": .string(schema), "feature": .string(name)])
        }
        if !changes.commented.isEmpty {
            logger.info("set feature column comments", metadata: ["schema": .string(schema), "columns": .stringConvertible(changes.commented.count)])
        }
        return changes
    }

    /// Column name → comment (nil when uncommented) of a table or view of the schema;
    /// empty when it does not exist.
    private func columns(of relation: String) throws -> [String: String?] {
        let qualified = PostgresQuery.quoteIdentifier(schema) + "." + PostgresQuery.quoteIdentifier(relation)
        let rows = try connection.execute("""
            select a.attname, col_description(a.attrelid, a.attnum)
            from pg_attribute a
            where a.attrelid = to_regclass(\(qualified)) and a.attnum > 0 and not a.attisdropped
            """).rows
        var result: [String: String?] = [:]
        for row in rows {
            guard let name = row[0].string else { continue }
            result[name] = row[1].string
        }
        return result
    }

    /// Runs the statement that `query` builds with `format()`, so the server quotes
    /// identifiers and the comment text.
    private func run(_ query: PostgresQuery) throws {
        guard let statement = try connection.execute(query)[0][0].string else {
            // format() returns null only for a null format string.
            throw EngineInvariantError("format() built no statement to sync the feature columns")
        }
        try connection.simpleQuery(statement)
    }
}
