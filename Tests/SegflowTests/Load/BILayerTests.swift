import Foundation
import PostgresClient
import SegflowTestSupport
import Testing
import Yams
@testable import SegflowPublish

/// The BI layer (migration 0007): its numbers equal SQL over the base tables on a
/// published multi-snapshot store; the shipped Metabase questions and Superset metrics
/// compute what they claim; partitions live in their own schema; the BI role reads the
/// BI layer and the published tables but not the sources, the quarantine or the ledger.
@Suite struct BILayerTests {
    private let logger = LoadTestDatabase.logger

    /// January, the middle of February (January's customers again) and the end of
    /// February, published out of order: February has two snapshots.
    static let midFebruary = PostgresDate.day("2024-02-15")

    private func publishStore(_ connection: PostgresConnection, schema: String = "segflow") throws {
        let publisher = try SnapshotPublisher(connection: connection, schema: schema, logger: logger)
        try publisher.publish(KPIExample.januarySnapshot())
        try publisher.publish(KPIExample.februarySnapshot())
        var middle = KPIExample.januarySnapshot()
        middle.asOf = Self.midFebruary
        try publisher.publish(middle)
    }

    private func int(_ connection: PostgresConnection, _ query: PostgresQuery) throws -> Int? {
        try connection.execute(query)[0][0].int
    }

    @Test func viewsEqualSQLOverTheBaseTables() throws {
        let (database, connection) = try LoadTestDatabase.migrated("bi_views")
        _ = database
        try publishStore(connection)

        // Primary segments add up to the customers of each snapshot; all segmentations do not.
        #expect(try connection.texts("""
            select as_of, sum(members) from segflow_bi.fct_segment_kpis where is_primary group by as_of order by as_of
            """) == connection.texts("""
            select as_of, count(*) from segflow.customer_features group by as_of order by as_of
            """))
        #expect(try int(connection, "select count(*) from segflow_bi.fct_segment_kpis where not is_primary and segmentation_key <> 'channel'") == 0)

        // One row per segment_kpis row, with the definition of the same as_of and previous_as_of in place.
        #expect(try connection.texts("""
            select as_of, previous_as_of, segmentation_key, segment_key, segment_name, segment_position, is_primary, members,
                   members_joined, members_left, revenue_30d, orders_30d, aov_30d, share
            from segflow_bi.fct_segment_kpis order by 1, 3, 4
            """) == connection.texts("""
            select k.as_of, s.previous_as_of, k.segmentation_key, k.segment_key, d.name, d.position, d.is_primary, k.members,
                   k.members_joined, k.members_left, k.revenue_30d, k.orders_30d, k.aov_30d, k.share
            from segflow.segment_kpis k
            join segflow.snapshots s on s.as_of = k.as_of
            join segflow.segment_definitions d on (d.as_of, d.segmentation_key, d.segment_key) = (k.as_of, k.segmentation_key, k.segment_key)
            order by 1, 3, 4
            """))
        #expect(try int(connection, "select count(*) from segflow_bi.fct_segment_kpis") == 12)

        // Numerators and denominators: repeat buyers, and AOV = sum(revenue) / sum(orders) of the features.
        #expect(try connection.texts("""
            select as_of, segmentation_key, segment_key, buyers, repeat_buyers from segflow_bi.fct_segment_kpis
            where members > 0 order by 1, 2, 3
            """) == connection.texts("""
            select m.as_of, m.segmentation_key, m.segment_key, count(*) filter (where f.frequency >= 1), count(*) filter (where f.frequency >= 2)
            from segflow.customer_segments m join segflow.customer_features f using (as_of, customer_id)
            group by 1, 2, 3 order by 1, 2, 3
            """))
        #expect(try connection.texts("select as_of, repeat_buyers, customers_added, customers_removed from segflow_bi.fct_store_kpis order by 1") == [
            ["2024-01-31", "2", nil, nil], ["2024-02-15", "2", "0", "0"], ["2024-02-29", "3", "1", "1"],
        ])
        let aov = try connection.texts("""
            select as_of, round(sum(revenue_30d) / nullif(sum(orders_30d), 0), 6) from segflow_bi.fct_segment_kpis where is_primary group by 1 order by 1
            """)
        #expect(aov == (try connection.texts("""
            select as_of, round(sum(monetary_30d) / nullif(sum(orders_30d), 0), 6) from segflow.customer_features group by 1 order by 1
            """)))
        #expect(aov.last == ["2024-02-29", "11.250000"])  // (30 + 9.99 + 0 + 5.01) / (2 + 1 + 0 + 1)

        // Month grain: the month's latest snapshot, never a sum of the month's snapshots.
        #expect(try connection.texts("select month, as_of, customers, revenue_30d from segflow_bi.fct_store_kpis_monthly order by 1") == [
            ["2024-01-01", "2024-01-31", "4", "50.75"], ["2024-02-01", "2024-02-29", "4", "45.00"],
        ])
        #expect(try connection.texts("""
            select month, segment_key, members from segflow_bi.fct_segment_kpis_monthly where is_primary order by 1, segment_position
            """) == [
            ["2024-01-01", "new", "2"], ["2024-01-01", "loyal", "2"], ["2024-01-01", "lapsed", "0"],
            ["2024-02-01", "new", "1"], ["2024-02-01", "loyal", "2"], ["2024-02-01", "lapsed", "1"],
        ])
        #expect(try connection.texts("select as_of, previous_as_of, days_since_previous, is_latest_in_month, is_latest from segflow_bi.snapshot_calendar order by 1") == [
            ["2024-01-31", nil, nil, "t", "f"], ["2024-02-15", "2024-01-31", "15", "f", "f"], ["2024-02-29", "2024-02-15", "14", "t", "t"],
        ])

        // Moves: names on both sides; the customers moving into segments are the members.
        #expect(try connection.texts("""
            select as_of, to_segment_key, sum(customers) from segflow_bi.fct_segment_moves where to_segment_key is not null group by 1, 2 order by 1, 2
            """) == connection.texts("""
            select as_of, segment_key, members from segflow.segment_kpis where segmentation_key = 'lifecycle' and members > 0 order by 1, 2
            """))
        #expect(try connection.texts("""
            select from_segment_name, to_segment_name, customers, is_stay from segflow_bi.fct_segment_moves where as_of = '2024-02-29'
            order by from_segment_position nulls first, to_segment_position nulls first
            """) == [
            ["(none)", "New", "1", "f"], ["New", "(none)", "1", "f"], ["New", "Loyal", "1", "f"],
            ["Loyal", "Loyal", "1", "t"], ["Loyal", "Lapsed", "1", "f"],
        ])
        #expect(try connection.texts("select segment_key, segment_name, segment_position, is_primary, last_defined_as_of from segflow_bi.dim_segment order by segmentation_key, segment_position") == [
            ["email", "Email", "1", "f", "2024-02-29"],
            ["new", "New", "1", "t", "2024-02-29"], ["loyal", "Loyal", "2", "t", "2024-02-29"], ["lapsed", "Lapsed", "3", "t", "2024-02-29"],
        ])
    }

    @Test func everyMetabaseQuestionReturnsWhatTheBaseTablesSay() throws {
        let (database, connection) = try LoadTestDatabase.migrated("bi_metabase")
        _ = database
        try publishStore(connection)
        // The same question, asked of the base tables.
        let equivalents: [String: PostgresQuery] = [
            "primary_segments_latest.sql": """
                select d.position, d.name, d.description, k.members, k.share, k.revenue_30d, k.orders_30d, k.aov_30d,
                       k.members_joined, k.members_left, s.previous_as_of
                from segflow.segment_kpis k
                join segflow.segment_definitions d using (as_of, segmentation_key, segment_key)
                join segflow.snapshots s using (as_of)
                where k.as_of = (select max(as_of) from segflow.snapshots) and d.is_primary
                order by d.position, k.segment_key
                """,
            "primary_segments_by_month.sql": """
                select date_trunc('month', k.as_of)::date, k.as_of, d.position, d.name, k.members, k.share
                from segflow.segment_kpis k
                join segflow.segment_definitions d using (as_of, segmentation_key, segment_key)
                where d.is_primary
                  and k.as_of in (select max(as_of) from segflow.snapshots group by date_trunc('month', as_of))
                order by 1, 3, k.segment_key
                """,
            "store_kpis_by_month.sql": """
                select date_trunc('month', as_of)::date, as_of, customers, buyers, revenue_30d, orders_30d, aov_30d, repeat_purchase_rate
                from segflow.kpi_snapshots
                where as_of in (select max(as_of) from segflow.snapshots group by date_trunc('month', as_of))
                order by 1
                """,
            "aov_of_segment_group.sql": """
                select f.as_of, sum(f.monetary_30d), sum(f.orders_30d), sum(f.monetary_30d) / nullif(sum(f.orders_30d), 0)
                from segflow.customer_features f
                join segflow.customer_segments m using (as_of, customer_id)
                where m.is_primary
                group by 1 order by 1
                """,
            "segment_moves_latest.sql": """
                select t.previous_as_of, t.as_of, t.as_of - t.previous_as_of,
                       coalesce(f.name, '(none)'), coalesce(n.name, '(none)'), t.customers
                from segflow.segment_transitions t
                left join segflow.segment_definitions f on (f.as_of, f.segmentation_key, f.segment_key) = (t.previous_as_of, t.segmentation_key, t.from_segment)
                left join segflow.segment_definitions n on (n.as_of, n.segmentation_key, n.segment_key) = (t.as_of, t.segmentation_key, t.to_segment)
                where t.as_of = (select max(as_of) from segflow.snapshots)
                order by f.position nulls first, t.from_segment, n.position nulls first, t.to_segment
                """,
            "store_customers_added_by_month.sql": """
                select date_trunc('month', as_of)::date, count(*), sum(new_customers), sum(removed_customers)
                from segflow.kpi_snapshots where previous_as_of is not null
                group by 1 order by 1
                """,
        ]
        let folder = RepositoryFiles.root.appendingPathComponent("deploy/metabase/questions")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".sql") }.sorted()
        #expect(Set(files) == Set(equivalents.keys), "every question needs its base-table equivalent here")
        for file in files {
            let sql = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            let rows = try connection.texts(PostgresQuery(unsafeSQL: sql, binds: []))
            #expect(!rows.isEmpty, "\(file) returned no rows")
            guard let base = equivalents[file] else { continue }
            #expect(try rows == connection.texts(base), "\(file)")
        }
    }

    @Test func supersetBundleMatchesTheViewsAndItsMetricsAreRight() throws {
        let (database, connection) = try LoadTestDatabase.migrated("bi_superset")
        _ = database
        try publishStore(connection)
        let folder = RepositoryFiles.root.appendingPathComponent("deploy/superset/segflow_bi/datasets/segflow")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }.sorted()
        let views = try connection.texts("""
            select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = 'segflow_bi' and c.relname <> 'snapshot_calendar' order by 1
            """).map { $0[0] ?? "" }
        #expect(files.map { String($0.dropLast(5)) } == views)
        let pointInTime = ["members", "customers", "buyers", "repeat_buyers", "revenue_30d", "orders_30d", "snapshot_customers"]
        for file in files {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            let dataset = try #require(try Yams.load(yaml: text) as? [String: Any], "\(file)")
            let table = try #require(dataset["table_name"] as? String)
            #expect(dataset["schema"] as? String == "segflow_bi")
            // Columns and their descriptions are the view's, comments included.
            let columns = (dataset["columns"] as? [[String: Any]] ?? []).map { [$0["column_name"] as? String, $0["description"] as? String] }
            #expect(try columns == connection.texts("""
                select a.attname, col_description(a.attrelid, a.attnum) from pg_attribute a
                where a.attrelid = ('segflow_bi.' || \(table))::regclass and a.attnum > 0 order by a.attnum
                """), "\(file)")
            #expect(try connection.texts("select obj_description(('segflow_bi.' || \(table))::regclass)") == [[dataset["description"] as? String]])
            for metric in dataset["metrics"] as? [[String: Any]] ?? [] {
                let name = metric["metric_name"] as? String ?? ""
                let expression = try #require(metric["expression"] as? String)
                // Runs, and never sums a point-in-time measure across snapshots of a per-snapshot view.
                _ = try connection.execute(PostgresQuery(unsafeSQL: "select \(expression) from segflow_bi.\(table)", binds: []))
                if !table.hasSuffix("_monthly") && table != "fct_segment_moves" && !expression.contains("/") {
                    for column in pointInTime {
                        #expect(!expression.uppercased().contains("SUM(\(column.uppercased()))"), "\(file): \(name) sums \(column) across snapshots")
                    }
                }
                if name == "aov_30d" {
                    // Over the primary segments, or the store, per snapshot: sum(monetary_30d) / sum(orders_30d) of the features.
                    let filter = table.hasPrefix("fct_segment") ? "where is_primary" : ""
                    #expect(try connection.texts(PostgresQuery(unsafeSQL: """
                        select as_of, round(\(expression), 6) from segflow_bi.\(table) \(filter) group by 1 order by 1
                        """, binds: [])) == connection.texts(PostgresQuery(unsafeSQL: """
                        select as_of, round(sum(monetary_30d) / nullif(sum(orders_30d), 0), 6) from segflow.customer_features
                        where as_of in (select as_of from segflow_bi.\(table)) group by 1 order by 1
                        """, binds: [])), "\(file)")
                }
            }
        }
        // The store AOV is not the mean of the segments' AOV (the mistake this layer prevents).
        #expect(try connection.texts("select avg(aov_30d)::numeric(14,2) from segflow_bi.fct_segment_kpis where as_of = '2024-02-29' and is_primary") != [["11.25"]])
    }

    @Test func partitionsLiveInTheirOwnSchemaAndExistingOnesAreMoved() throws {
        let database = try LoadTestDatabase.make("bi_partitions")
        let connection = try database.connect()
        // A store at version 6, with a snapshot published the old way (partitions in the output schema).
        let bundled = try Migration.bundled()
        let before = bundled.filter { $0.version < 7 }
        try SchemaMigrator(connection: connection, logger: logger, migrations: before).migrate()
        try connection.simpleQuery("""
            create table segflow.customer_features_p20240131 (like segflow.customer_features);
            alter table segflow.customer_features attach partition segflow.customer_features_p20240131 for values in ('2024-01-31');
            create table segflow.customer_segments_p20240131 (like segflow.customer_segments);
            alter table segflow.customer_segments attach partition segflow.customer_segments_p20240131 for values in ('2024-01-31');
            insert into segflow.customer_features (as_of, customer_id, frequency, monetary_30d) values ('2024-01-31', 1, 2, 10.50), ('2024-01-31', 2, 0, null);
            insert into segflow.customer_segments values ('2024-01-31', 1, 'lifecycle', 'loyal', true), ('2024-01-31', 2, 'lifecycle', 'new', true);
            insert into segflow.snapshots (as_of, run_id, config_hash, customers, memberships, quarantined)
                values ('2024-01-31', gen_random_uuid(), 'old', 2, 2, 0)
            """)
        let features = try connection.texts("select * from segflow.customer_features order by customer_id")
        // The columns of version 6 (migration 0013 adds is_control, false for existing rows).
        let segmentColumns = "as_of, customer_id, segmentation_key, segment_key, is_primary"
        let segments = try connection.texts("select \(unescaped: segmentColumns) from segflow.customer_segments order by customer_id")

        try SchemaMigrator(connection: connection, logger: logger).migrate()
        #expect(try connection.texts("select * from segflow.customer_features order by customer_id") == features)
        #expect(try connection.texts("select \(unescaped: segmentColumns) from segflow.customer_segments order by customer_id") == segments)
        #expect(try connection.texts("select count(*)::text from segflow.customer_segments where is_control") == [["0"]])

        // A snapshot published now goes to the partitions schema too, and reads the moved one back.
        try SnapshotPublisher(connection: connection, logger: logger).publish(KPIExample.februarySnapshot())
        #expect(try connection.texts("""
            select s.previous_as_of, k.members_joined from segflow.segment_kpis k join segflow.snapshots s using (as_of)
            where k.as_of = '2024-02-29' and k.segment_key = 'loyal'
            """) == [["2024-01-31", "2"]])
        let tables = try connection.texts("""
            select n.nspname, c.relname, obj_description(c.oid, 'pg_class') is not null
            from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where c.relkind = 'r' and c.relname like 'customer\\_%\\_p2024%' order by 2
            """)
        #expect(tables == [
            ["segflow_partitions", "customer_features_p20240131", "t"], ["segflow_partitions", "customer_features_p20240229", "t"],
            ["segflow_partitions", "customer_segments_p20240131", "t"], ["segflow_partitions", "customer_segments_p20240229", "t"],
        ])
        // The output schema lists only the parents: what a BI tool's table picker shows.
        #expect(try int(connection, """
            select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname in ('segflow', 'segflow_bi') and c.relispartition
            """) == 0)
    }

    @Test func everyBIViewColumnAndPartitionIsCommented() throws {
        let (database, connection) = try LoadTestDatabase.migrated("bi_comments")
        _ = database
        try publishStore(connection)
        let uncommented = try connection.execute("""
            select n.nspname || '.' || c.relname || coalesce('.' || a.attname, '')
            from pg_class c
            join pg_namespace n on n.oid = c.relnamespace
            left join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and n.nspname <> 'segflow_partitions'
            where n.nspname in ('segflow', 'segflow_bi', 'segflow_partitions') and c.relkind in ('r', 'p', 'v')
              and (obj_description(c.oid, 'pg_class') is null or (a.attnum is not null and col_description(c.oid, a.attnum) is null))
            """).rows.map { $0[0].string ?? "" }
        #expect(uncommented.isEmpty, "\(uncommented)")
        #expect(try int(connection, "select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'segflow_bi' and c.relkind = 'v'") == 11)
        // Every BI column says whether it may be summed across as_of (or is a dimension).
        let vague = try connection.texts("""
            select c.relname || '.' || a.attname from pg_class c
            join pg_namespace n on n.oid = c.relnamespace
            join pg_attribute a on a.attrelid = c.oid and a.attnum > 0
            where n.nspname = 'segflow_bi'
              and col_description(c.oid, a.attnum) !~ '^(Dimension|Point-in-time|Flow|Ratio)'
            """)
        #expect(vague.isEmpty, "\(vague)")
    }

    @Test func theBIRoleReadsTheBILayerButNotSourcesQuarantineOrPartitions() throws {
        let info = try TestPostgres.makeDatabase(prefix: "bi_role")
        let connection = try PostgresConnection(PostgresConfiguration(connectionString: info.connectionString), logger: logger)
        try SchemaMigrator(connection: connection, logger: logger).migrate()
        try publishStore(connection)
        try connection.simpleQuery("""
            create schema shop;
            create table shop.customers (customer_id int8, email text);
            insert into shop.customers values (1, 'someone@example.com');
            insert into segflow.quarantine (run_id, as_of, source, source_key, reason, action, raw)
                values (gen_random_uuid(), '2024-02-29', 'customers', '7', 'invalid_email', 'repaired', '{"email": "someone@example"}')
            """)
        let role = "bi_reader_\(UUID().uuidString.prefix(8).lowercased())"
        let password = "pw-\(UUID().uuidString)"
        try connection.simpleQuery("create role \(role) login password '\(password)'")
        defer { _ = try? connection.simpleQuery("drop owned by \(role); drop role \(role)") }

        // The documented command, run as a user would.
        let outcome = try SegflowExecutable.run(["grant-bi", "-d", info.connectionString, "--role", role])
        #expect(outcome.status == 0, "\(outcome)")

        // A real login as that role, with its password over TCP.
        let bi = try PostgresConnection(PostgresConfiguration(connectionString: """
            host=\(info.cluster.host) port=\(info.cluster.port) user=\(role) password=\(password) dbname=\(info.name) sslmode=disable
            """), logger: logger)
        defer { bi.close() }
        #expect(try bi.execute("select current_user")[0][0].string == role)
        #expect(try bi.execute("select count(*) from segflow_bi.fct_segment_kpis")[0][0].int == 12)
        #expect(try bi.execute("select count(*) from segflow_bi.fct_store_kpis_monthly")[0][0].int == 2)
        #expect(try bi.execute("select count(*) from segflow.customer_features")[0][0].int == 12)
        #expect(try bi.execute("select count(*) from segflow.current_segment_kpis")[0][0].int == 4)
        #expect(try bi.execute("select count(*) from segflow.model_fits")[0][0].int == 0)
        #expect(try bi.execute("select count(*) from segflow_bi.fct_model_parameters")[0][0].int == 0)
        for forbidden in ["shop.customers", "segflow.quarantine", "segflow.runs", "segflow_partitions.customer_features_p20240229"] {
            let error = #expect(throws: PostgresError.self, "\(forbidden)") {
                try bi.execute(PostgresQuery(unsafeSQL: "select * from \(forbidden)", binds: []))
            }
            #expect(error?.sqlState == "42501", "\(forbidden): \(String(describing: error))")
        }
        // Read-only: the published tables cannot be written.
        #expect(throws: PostgresError.self) { try bi.execute("delete from segflow.snapshots") }

        // A grant through PUBLIC that exposes the sources makes grant-bi refuse, granting nothing.
        try connection.simpleQuery("grant usage on schema shop to public; grant select on shop.customers to public")
        let other = "bi_other_\(UUID().uuidString.prefix(8).lowercased())"
        defer { _ = try? connection.simpleQuery("drop owned by \(other); drop role if exists \(other)") }
        let error = #expect(throws: BIAccessError.self) {
            try BIAccess.grant(connection: connection, schema: "segflow", role: other, logger: logger)
        }
        #expect(error?.description.contains("shop.customers") == true)
        #expect(try connection.execute("select count(*) from pg_roles where rolname = \(other)")[0][0].int == 0)
    }
}
