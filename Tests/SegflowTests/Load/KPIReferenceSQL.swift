import PostgresClient
import SegflowSQL
import SegflowTestSupport
@testable import SegflowPublish

/// The KPI formulas in plain SQL (`sql/reference/kpis/`), the oracle the tests hold the
/// publisher's `SnapshotComparisons` to. Not used in production.
enum KPIReferenceSQL {
    /// Computes the segment_kpis, kpi_snapshots and segment_transitions of the published
    /// snapshot `asOf` against the published snapshot `previous` from their partitions,
    /// replacing the rows the publisher wrote for `asOf`.
    static func recompute(
        _ connection: PostgresConnection, schema: String = "segflow", asOf: PostgresDate, previous: PostgresDate?
    ) throws {
        let files = try ["segment_kpis", "kpi_snapshot", "segment_transitions"].map {
            try SegflowSQL.text("reference/kpis/\($0).sql")
        }
        let publisher = try SnapshotPublisher(connection: connection, schema: schema, logger: LoadTestDatabase.logger)
        func partition(_ table: String, _ day: PostgresDate?) throws -> String {
            let quotedParent = PostgresQuery.quoteIdentifier(schema) + "." + PostgresQuery.quoteIdentifier(table)
            guard let day else { return "select * from \(quotedParent) where false" }
            guard let name = try publisher.partition(of: table, asOf: day) else {
                throw ReferenceSQLError(message: "\(table) has no partition for \(day)")
            }
            return "select * from \(name)"
        }
        try connection.transaction {
            try connection.simpleQuery("""
                set local search_path to \(PostgresQuery.quoteIdentifier(schema)), pg_catalog, pg_temp;
                create temp view snapshot_features as \(try partition("customer_features", asOf));
                create temp view snapshot_segments as \(try partition("customer_segments", asOf));
                create temp view previous_snapshot_features as \(try partition("customer_features", previous));
                create temp view previous_snapshot_segments as \(try partition("customer_segments", previous))
                """)
            for table in ["segment_kpis", "kpi_snapshots", "segment_transitions"] {
                try connection.execute("delete from \(identifier: schema).\(identifier: table) where as_of = \(asOf)")
            }
            for sql in files {
                try connection.execute(PostgresQuery(unsafeSQL: sql, binds: [asOf.description, previous?.description]))
            }
            try connection.simpleQuery("""
                drop view pg_temp.snapshot_features, pg_temp.snapshot_segments,
                    pg_temp.previous_snapshot_features, pg_temp.previous_snapshot_segments
                """)
        }
    }

    struct ReferenceSQLError: Error {
        var message: String
    }
}
