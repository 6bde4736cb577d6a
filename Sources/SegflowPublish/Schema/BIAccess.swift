import Logging
import PostgresClient
import SegflowEngine

/// Read-only access for a BI tool (`segflow grant-bi --role R`).
///
/// The role gets `usage` on the output schema and its BI schema, `select` on the
/// published tables and `current_*` views of the output schema and on every view of the
/// BI schema (also those a later migration adds, through default privileges of the
/// migrating user). It gets nothing on `quarantine` (raw source values, e-mail addresses
/// included), `runs`, `schema_migrations`, the partitions schema (queries through the
/// parent tables need no grant on partitions) or the sources. Grants run in one
/// transaction, which is rolled back when the role could still read the quarantine or a
/// source table afterwards (through PUBLIC or a role it belongs to).
public enum BIAccess {
    /// What the role may read in the output schema: the published snapshot tables and views.
    public static let publishedRelations = [
        "snapshots", "customer_features", "customer_segments", "segment_definitions",
        "segment_kpis", "kpi_snapshots", "segment_transitions", "model_fits", "model_evaluations", "cluster_profiles",
        "current_snapshot", "current_customer_features", "current_customer_segments",
        "current_segment_kpis", "current_kpi_snapshot", "segment_membership_changes",
    ]

    /// Never granted, and revoked from the role if it had them.
    public static let withheldRelations = ["quarantine", "runs", "schema_migrations"]

    /// Creates `role` (`nologin`) when `createRole` and it does not exist, then grants.
    /// `sourceSchemas` (the pipeline's sources, `shop` by default) must stay unreadable.
    public static func grant(
        connection: PostgresConnection,
        schema: String,
        role: String,
        createRole: Bool = true,
        sourceSchemas: [String] = ["shop"],
        logger: Logger
    ) throws {
        try SchemaMigrator.checkCompatible(connection: connection, schema: schema)
        let out = PostgresQuery.quoteIdentifier(schema)
        let bi = PostgresQuery.quoteIdentifier(OutputSchemas.bi(of: schema))
        let grantee = PostgresQuery.quoteIdentifier(role)
        try connection.transaction {
            let exists = try connection.execute("select exists (select from pg_roles where rolname = \(role))")[0][0].bool ?? false
            if !exists {
                guard createRole else { throw BIAccessError(role: role, problem: "the role does not exist (create it, or omit --no-create)") }
                try connection.simpleQuery("create role \(grantee) nologin")
                logger.info("created BI role", metadata: ["role": .string(role)])
            }
            let published = publishedRelations.map { "\(out).\(PostgresQuery.quoteIdentifier($0))" }.joined(separator: ", ")
            let withheld = withheldRelations.map { "\(out).\(PostgresQuery.quoteIdentifier($0))" }.joined(separator: ", ")
            try connection.simpleQuery("""
                grant usage on schema \(out), \(bi) to \(grantee);
                grant select on \(published) to \(grantee);
                grant select on all tables in schema \(bi) to \(grantee);
                alter default privileges in schema \(bi) grant select on tables to \(grantee);
                revoke all on \(withheld) from \(grantee)
                """)
            let readable = try readableForbidden(connection: connection, schema: schema, role: role, sourceSchemas: sourceSchemas)
            if !readable.isEmpty {
                throw BIAccessError(
                    role: role,
                    problem: "it could still read \(readable.joined(separator: ", ")) (through PUBLIC or a role it is a member of); revoke that first"
                )
            }
        }
        logger.info("granted BI access", metadata: ["role": .string(role), "schema": .string(schema)])
    }

    /// The quarantine and source tables `role` can select from (or whose schema it can
    /// use and has column privileges in): should be none.
    public static func readableForbidden(connection: PostgresConnection, schema: String, role: String, sourceSchemas: [String]) throws -> [String] {
        let schemas = sourceSchemas.joined(separator: "\n")
        let rows = try connection.execute("""
            select format('%I.%I', n.nspname, c.relname)
            from pg_class c
            join pg_namespace n on n.oid = c.relnamespace
            where c.relkind in ('r', 'p', 'v', 'm', 'f')
              and ((n.nspname = \(schema) and c.relname = 'quarantine')
                   or n.nspname = any (string_to_array(\(schemas), chr(10))))
              and has_schema_privilege(\(role), n.oid, 'usage')
              and (has_table_privilege(\(role), c.oid, 'select')
                   or has_any_column_privilege(\(role), c.oid, 'select'))
            order by 1
            """)
        return rows.rows.compactMap { $0[0].string }
    }
}

/// `segflow grant-bi` could not give the role safe read-only access.
public struct BIAccessError: SegflowError {
    public var code: SegflowErrorCode { .unsafeBIAccess }
    public var role: String
    public var problem: String
    public var description: String { "BI role \"\(role)\": \(problem)" }
}
