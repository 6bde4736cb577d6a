import Foundation
import Logging
import PostgresClient
@testable import Segflow
@testable import SegflowCLI
@testable import SegflowEngine
@testable import SegflowGenerator
@testable import SegflowPipelineFile
@testable import SegflowPublish
import SegflowTestSupport
import Testing

/// A source mapping cannot run SQL outside its read-only subquery, cannot move the cut-off,
/// and a bad mapping stops `run` with exit 2 at file:line:column before the ledger is written.
@Suite struct SourceSecurityTests {
    let endDay = GeneratorConfiguration.defaultEndDay

    /// The default pipeline file (without gates) with the `orders:` source line replaced.
    static func pipelineFile(orders line: String) throws -> String {
        let path = try RunTestStore.pipelineFileWithoutGates()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let replaced = text.replacingOccurrences(of: "  orders: { table: shop.orders }", with: line)
        #expect(replaced != text)
        try replaced.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func theCheckRefusesEverythingButOneSelect() {
        let injection = "select * from shop.products) as s0) to stdout (format binary); commit; "
            + "delete from shop.orders where order_id = 990000901; copy (select * from (select * from shop.products"
        #expect(SourceQueryCheck.problem(in: injection) != nil)
        for bad in [
            "select 1; select 2",
            "select 1) as x; delete from t; select (1",
            "delete from shop.orders",
            "select * from t /* unterminated",
            "select 'unterminated",
            "select (1",
            "select $x$ still open",
            "   ",
            "set_config('segflow.cutoff', '2100-01-01', false)",
        ] {
            #expect(SourceQueryCheck.problem(in: bad) != nil, "\(bad)")
        }
        for good in [
            "select * from shop.orders",
            "  WITH o as (select * from shop.orders) select * from o",
            "values (1, 2)",
            "table shop.orders",
            "(select 1) union all (select 2)",
            "select ';' as a, ')' as b, \"x;)\" from t -- ; )",
            "select $$ ; ) $$, $tag$ ;) $$ $tag$, e'\\'; )' from t /* ; /* ) */ */",
            "select a$b, $1 from t where x = 'it''s; )'",
        ] {
            #expect(SourceQueryCheck.problem(in: good) == nil, "\(good)")
        }
    }

    @Test func theInjectionMappingIsRefusedAtItsPositionAndNothingIsDeleted() throws {
        let store = try RunTestStore.make("sec_inject", customers: 200, seed: 31)
        let victim = try store.count("select min(order_id) from shop.orders")
        let injection = "select * from shop.orders) as s0) to stdout (format binary); commit; "
            + "delete from shop.orders where order_id = \(victim); copy (select * from (select * from shop.orders"
        let path = try Self.pipelineFile(orders: "  orders: { query: \"\(injection)\" }")
        let error = #expect(throws: PipelineValidationError.self) { try PipelineConfiguration.load(path: path) }
        #expect(error?.description.hasPrefix("\(path):19:20: source 'orders': the query closes a parenthesis") == true)

        // Past the file check (a configuration built in code), the server still runs one statement only.
        var pipeline = try RunTestStore.pipeline()
        pipeline.sources[.orders] = .query(injection)
        #expect(throws: (any Error).self) { try store.runner(pipeline).run(asOf: endDay) }
        let connection = try store.connect()
        defer { connection.close() }
        #expect(throws: PostgresError.self) {
            try connection.copyOut("copy (select 1) to stdout (format binary); delete from shop.orders where order_id = \(victim)") { _ in }
        }
        #expect(try store.count("select count(*) from shop.orders where order_id = \(victim)") == 1)
        #expect(try store.count("select count(*) from segflow.snapshots") == 0)
    }

    @Test func aQueryCannotWidenTheCutoff() throws {
        let store = try RunTestStore.make("sec_cutoff", customers: 300, seed: 32)
        let asOf = PostgresDate(daysSince1970: endDay.daysSince1970 - 90)
        let features = """
            select md5(string_agg((to_jsonb(f) - 'run_id')::text, E'\\n' order by f.customer_id))
            from segflow.customer_features f
            """
        // Rows read per source, as the ledger records them (the clean stage would drop late rows anyway).
        let read = """
            select key, value from segflow.runs, jsonb_each_text(row_counts)
            where key like '%_in' and run_id = (select run_id from segflow.runs order by started_at desc limit 1) order by key
            """
        let pipeline = try RunTestStore.pipeline()
        _ = try store.runner(pipeline).run(asOf: asOf)
        let honest = try store.rows(features)
        let honestRead = try store.rows(read)
        #expect(honestRead.count == SourceName.allCases.count)
        #expect(try store.count("select count(*) from shop.orders where placed_at >= '\(asOf)'::date + 1") > 0)

        // Sources read whole and first (products, fx_rates) share connections with the timed
        // sources read later: a session setting made there would move their cut-off.
        var hostile = pipeline
        for source in SourceName.allCases {
            hostile.sources[source] = .query(
                "select * from shop.\(source.rawValue) where set_config('segflow.cutoff', '2999-01-01', false) is not null")
        }
        _ = try store.runner(hostile).run(asOf: asOf)
        #expect(try store.rows(features) == honest)
        #expect(try store.rows(read) == honestRead)
    }

    @Test func runWithAMissingTableExits2AtThePositionWithoutALedgerRow() throws {
        let store = try RunTestStore.make("sec_missing", customers: 100, seed: 33)
        let path = try Self.pipelineFile(orders: "  orders: { table: shop.no_such_orders }")
        let pipeline = try PipelineConfiguration.load(path: path)
        let error = #expect(throws: PipelineValidationError.self) { try store.runner(pipeline).run(asOf: endDay) }
        #expect(error.map(RunExitCode.code(for:)) == 2)
        #expect(error?.description.contains("\(path):19:20: source 'orders': table shop.no_such_orders does not exist") == true)

        let missingColumn = try Self.pipelineFile(orders: "  orders: { query: \"select order_id from shop.orders\" }")
        let second = #expect(throws: PipelineValidationError.self) {
            try store.runner(try PipelineConfiguration.load(path: missingColumn)).run(asOf: endDay)
        }
        #expect(second.map(RunExitCode.code(for:)) == 2)
        #expect(second?.description.contains("\(missingColumn):19:20: source 'orders': the query has no column 'customer_id'") == true)
        #expect(try store.count("select count(*) from segflow.runs") == 0)
    }

    @Test func aLeastPrivilegeRoleRunsAndCannotReadServerFiles() throws {
        let database = try TestPostgres.makeDatabase(prefix: "sec_role")
        let role = "etl_\(UInt32.random(in: 0...UInt32.max))"
        let admin = RunTestStore(connectionString: database.connectionString)
        let generation = GeneratorConfiguration(customers: 150, seed: 34, workers: 2, createIndexes: false, progressInterval: 3_600)
        _ = try DataGenerator(configuration: generation, logger: RunTestStore.quietLogger).run(database: admin.configuration)
        // The recipe of docs/operations.md, "Security".
        try database.psql("""
            create role \(role) login;
            grant connect on database \(database.name) to \(role);
            grant usage on schema shop to \(role);
            grant select on all tables in schema shop to \(role);
            create schema segflow authorization \(role);
            create schema segflow_bi authorization \(role);
            create schema segflow_partitions authorization \(role);
            """)
        let cluster = database.cluster
        let store = RunTestStore(connectionString:
            "host=\(cluster.socketDirectory) port=\(cluster.port) user=\(role) dbname=\(database.name)")
        let connection = try store.connect()
        defer { connection.close() }
        _ = try SchemaMigrator(connection: connection, schema: "segflow", logger: RunTestStore.quietLogger).migrate()

        let report = try store.runner(try RunTestStore.pipeline()).run(asOf: endDay)
        #expect(report.customers > 0)
        #expect(try store.rows("select status from segflow.runs") == [["succeeded"]])

        let denied = #expect(throws: PostgresError.self) { try connection.execute("select pg_read_file('PG_VERSION')") }
        #expect(denied?.sqlState == "42501")
        #expect(throws: PostgresError.self) { try connection.execute("delete from shop.orders") }
        // A mapping that tries is refused before anything runs, exit 2.
        var hostile = try RunTestStore.pipeline()
        hostile.sources[.products] = .query("select p.*, pg_read_file('PG_VERSION') as leak from shop.products p")
        let refused = #expect(throws: PipelineValidationError.self) { try store.runner(hostile).run(asOf: endDay) }
        #expect(refused?.description.contains("permission") == true)
    }
}
