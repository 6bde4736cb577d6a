import Foundation
import PostgresClient
import SegflowTestSupport
import Testing
@testable import SegflowCLI
@testable import SegflowGenerator

@Suite("segflow generate")
struct GenerateCommandTests {
    @Test func refusesToOverwriteExistingDataWithoutReplace() throws {
        let database = try TestPostgres.makeDatabase(prefix: "gen_refuse")
        let configuration = GeneratorConfiguration(customers: 300, seed: 1, workers: 1, blockSize: 100, createIndexes: false)
        try GeneratedDatabase.generate(configuration, into: database)
        let error = #expect(throws: GenerationError.self) {
            try GeneratedDatabase.generate(configuration, into: database)
        }
        guard case .sourceNotEmpty(let message)? = error else {
            Issue.record("expected sourceNotEmpty, got \(String(describing: error))")
            return
        }
        #expect(message.contains("--replace") && message.contains("shop.customers"))
        // Still the first data set.
        #expect(try database.psql("select count(*) from shop.customers").contains("300"))

        var replacing = configuration
        replacing.replace = true
        replacing.customers = 200
        let report = try GeneratedDatabase.generate(replacing, into: database)
        #expect(report.rows(.customers) == 200)
        #expect(try database.psql("select count(*) from shop.customers").contains("200"))
    }

    @Test func emptySourceSchemaIsReusedWithoutReplace() throws {
        let database = try TestPostgres.makeDatabase(prefix: "gen_empty")
        try database.psql("create schema shop; create table shop.customers (customer_id int8)")
        let report = try GeneratedDatabase.generate(
            GeneratorConfiguration(customers: 150, seed: 2, workers: 2, blockSize: 100, createIndexes: false), into: database
        )
        #expect(report.rows(.customers) == 150)
    }

    @Test func indexesAndCommentsAreCreated() throws {
        let data = try SharedDatasets.clean.get()
        let indexes = try data.int("select count(*) from pg_indexes where schemaname in ('shop', 'shop_truth')")
        #expect(indexes == (try DataGenerator.indexStatements().flatMap(\.statements).filter { $0.hasPrefix("create index") }.count))
        // Every table and column of both schemas is commented.
        #expect(try data.int("""
            select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname in ('shop', 'shop_truth') and c.relkind = 'r' and obj_description(c.oid, 'pg_class') is null
            """) == 0)
        #expect(try data.int("""
            select count(*) from information_schema.columns c
            where c.table_schema in ('shop', 'shop_truth')
              and col_description((quote_ident(c.table_schema) || '.' || quote_ident(c.table_name))::regclass, c.ordinal_position) is null
            """) == 0)
        // Raw landing tables: no keys.
        #expect(try data.int("select count(*) from information_schema.table_constraints where table_schema = 'shop' and constraint_type in ('PRIMARY KEY', 'FOREIGN KEY', 'UNIQUE')") == 0)
    }

    @Test func reportCountsMatchTheTables() throws {
        let data = try SharedDatasets.clean.get()
        for table in SourceTable.allCases where table != .injectedDefects {
            #expect(data.report.rows(table) == (try data.int("select count(*) from \(table.qualifiedName)")), "\(table.rawValue)")
        }
        #expect(data.report.summary.contains("shop.sessions"))
        #expect(try data.value("select generator from shop_truth.generation") == DataGenerator.revision)
    }

    @Test func commandParsesItsOptions() throws {
        let command = try GenerateCommand.parse([
            "--customers", "1000", "--seed", "9", "--dirty", "0.02", "--end", "2025-12-31", "--years", "2", "--workers", "3", "--replace",
        ])
        let configuration = command.generatorConfiguration
        #expect(configuration.customers == 1_000)
        #expect(configuration.seed == 9)
        #expect(configuration.dirtyRate == 0.02)
        #expect(configuration.endDay == PostgresDate(year: 2025, month: 12, day: 31))
        #expect(configuration.years == 2)
        #expect(configuration.workers == 3)
        #expect(configuration.replace)
        #expect(configuration.createIndexes)
        // The default end day is fixed, never the clock.
        #expect(try GenerateCommand.parse(["--customers", "1", "--seed", "1"]).generatorConfiguration.endDay == PostgresDate(year: 2026, month: 6, day: 30))
    }

    @Test func commandRejectsBadOptions() {
        #expect(throws: (any Error).self) { try GenerateCommand.parse(["--customers", "10", "--seed", "1", "--end", "2026-13-01"]) }
        #expect(throws: (any Error).self) { try GenerateCommand.parse(["--customers", "10", "--seed", "1", "--dirty", "0.9"]) }
        #expect(throws: (any Error).self) { try GenerateCommand.parse(["--customers", "-1", "--seed", "1"]) }
        #expect(throws: (any Error).self) { try GenerateCommand.parse(["--seed", "1"]) }
    }
}
