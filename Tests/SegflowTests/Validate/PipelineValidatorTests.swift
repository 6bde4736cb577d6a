import Foundation
import Logging
import PostgresClient
import SegflowSQL
import SegflowTestSupport
import Testing
@testable import Segflow
@testable import SegflowEngine
@testable import SegflowPublish

@Suite struct PipelineValidatorTests {
    private static var logger: Logger { testLogger("segflow.test.validate") }

    private func validate(_ yaml: String, database: PostgresConfiguration? = nil) throws -> PipelineValidator.Report {
        try PipelineValidator(logger: Self.logger).validate(yaml: yaml, file: "broken.yml", database: database)
    }

    /// Position and code of every issue, for exact comparisons.
    private func positions(_ report: PipelineValidator.Report) -> [String] {
        report.issues.map { "\($0.line):\($0.column) \($0.severity.rawValue) \($0.code)" }
    }

    @Test func everyPlantedMistakeIsReportedWithItsLineAndColumn() throws {
        let yaml = """
        version: 1
        name: broken
        timezone: UTC
        base_currency: EUR
        sources:
          orderz:
            table: shop.orders
          chats:
            table: shop.chats
            query: select 1
        quality_gates:
          orders:
            max_staleness: 3 days
            min_rows: many
            max_quarantine_rate: 5
        output:
          schema: segflow
          colour: blue
        segmentations:
          - key: lifecycle
            primary: yes
            segments:
              - key: loyal
                rule: "frequency >= 3 and monetry > 100"
              - key: loyal
                rule: "recency_days <= 30"
              - key: rest
                rule: "frequency >= 0"
          - key: by_country
            family: countri
        """
        let report = try validate(yaml)
        #expect(!report.isClean)
        #expect(report.configuration == nil)
        #expect(positions(report) == [
            "6:3 error unknown_key",            // orderz: unknown source
            "9:5 error invalid_value",          // chats: both table and query
            "13:20 error invalid_duration",     // max_staleness: 3 days
            "14:15 error wrong_type",           // min_rows: many
            "15:26 error invalid_value",        // max_quarantine_rate: 5
            "18:3 error unknown_key",           // colour
            "21:14 error wrong_type",           // primary: yes (and no second "no primary" error)
            "24:35 error unknown_feature",      // monetry, at its column inside the rule
            "25:14 error duplicate_key",        // second 'loyal'
            "27:9 error missing_catch_all",     // last segment of an exclusive segmentation
            "30:13 error unknown_feature",      // family: countri
        ])
        #expect(report.issues[0].description == "broken.yml:6:3: unknown key 'orderz' in sources (did you mean 'orders'?)")
        #expect(report.issues[7].message.contains("monetry"))
    }

    @Test func repeatedYAMLKeysAreEachReportedAtTheRepeatAndTheRestIsStillChecked() throws {
        let yaml = """
        version: 1
        name: dup
        name: again
        timezone: Mars/Base
        base_currency: EUR
        quality_gates:
          orders:
            min_rows: 10
            min_rows:
              nested: 1
            max_staleness: 2x
        segmentations:
          - key: main
            primary: true
            segments:
              - key: a
                rule: "true"
                rule: "false"
              - key: b
                rule: "true"
        """
        let report = try validate(yaml)
        #expect(positions(report) == [
            "3:1 error duplicate_key",
            "4:11 error unknown_time_zone",
            "9:5 error duplicate_key",       // its nested value is skipped with it
            "11:20 error invalid_duration",
            "18:9 error duplicate_key",
            "19:9 error unreachable_segment",
        ])
        #expect(report.issues[0].message == "duplicate key 'name' in the same mapping (first at line 2, column 1)")
    }

    @Test func aRepeatedKeyInAFlowMappingIsReportedAlone() throws {
        let report = try validate("version: 1\nname: {x: 1, x: 2}\n")
        #expect(report.issues.map(\.code) == ["duplicate_key"])
    }

    @Test func aYAMLSyntaxErrorIsReportedAtItsPosition() throws {
        let report = try validate("version: 1\nname: [unclosed\ntimezone: UTC\n")
        #expect(report.issues.count == 1)
        #expect(report.issues.first?.code == "yaml_syntax")
        #expect(report.issues.first?.line ?? 0 >= 2)
    }

    @Test func aMissingFileIsOneIssueWithoutAPosition() throws {
        let report = try PipelineValidator(logger: Self.logger).validate(path: "/nonexistent/pipeline.yml", database: nil)
        #expect(report.issues.map(\.code) == ["unreadable_file"])
        #expect(!report.isClean)
    }

    @Test func theBundledPipelinesAreValid() throws {
        for path in ["pipelines/default.yml"] {
            let url = RepositoryFiles.root.appendingPathComponent(path)
            let report = try PipelineValidator(logger: Self.logger).validate(path: url.path, database: nil)
            #expect(report.issues.isEmpty, "\(path): \(report.issues)")
        }
    }

    // MARK: Source tables

    /// The canonical shop schema, plus a `store` schema whose tables deviate from it.
    private func storeDatabase() throws -> TestDatabaseInfo {
        let database = try TestPostgres.makeDatabase(prefix: "validate_sources")
        let connection = try PostgresConnection(PostgresConfiguration(connectionString: database.connectionString), logger: Self.logger)
        defer { connection.close() }
        try connection.simpleQuery(try SegflowSQL.text("source/001_shop_schema.sql"))
        try connection.simpleQuery("""
            create schema store;
            create table store.orders (like shop.orders);
            alter table store.orders drop column coupon_code;
            alter table store.orders alter column placed_at type int8 using 0;
            create table store.products (like shop.products);
            alter table store.products alter column list_price type text;
            """)
        return database
    }

    @Test func sourceTablesMissingAColumnOrWithAWrongTypeAreReportedAtTheirMapping() throws {
        let database = try storeDatabase()
        let yaml = """
        version: 1
        name: sources
        timezone: UTC
        base_currency: EUR
        sources:
          orders:
            table: store.orders
          products: { table: store.products }
          customers:
            table: store.nobody
          chats:
            query: |
              select chat_id, customer_id, visitor_id, started_at, ended_at
              from shop.chats
        segmentations:
          - key: main
            primary: true
            segments:
              - { key: everyone, rule: "true" }
        """
        let report = try validate(yaml, database: PostgresConfiguration(connectionString: database.connectionString))
        #expect(report.configuration != nil)  // the file itself is fine
        #expect(report.checkedSources.count == SourceName.allCases.count)
        let chatsMissing = ["customer_messages", "questions", "sentiment", "csat", "escalated", "agent_messages"]
        let byCode = Dictionary(grouping: report.issues, by: \.code)
        #expect(byCode["missing_table"]?.map { "\($0.line):\($0.column)" } == ["10:12"])
        #expect(byCode["column_type"]?.map { "\($0.line):\($0.column)" } == ["7:12"])
        #expect(byCode["column_type"]?.first?.message
            == "source 'orders': column 'placed_at' of table store.orders is bigint, which cannot be read as timestamptz")
        let missing = byCode["missing_column"] ?? []
        #expect(missing.filter { $0.line == 7 }.map(\.message) == [
            "source 'orders': table store.orders has no column 'coupon_code' (segflow reads it as text)",
        ])
        #expect(missing.filter { $0.line == 12 && $0.column == 12 }.count == chatsMissing.count)
        for column in chatsMissing {
            #expect(missing.contains { $0.message.contains("has no column '\(column)'") })
        }
        let warnings = report.warnings
        // The output schema is not migrated yet: a warning (run would ask for `segflow migrate`), at the top.
        #expect(warnings.map { "\($0.line):\($0.column) \($0.code)" } == ["1:1 schema_outdated", "8:22 column_converted"])
        #expect(warnings.last?.message.contains("list_price") == true)
        #expect(report.errors.count == 1 + 1 + 1 + chatsMissing.count)
        #expect(!report.isClean)
    }

    @Test func theCanonicalShopSchemaIsClean() throws {
        let database = try storeDatabase()
        let yaml = try String(contentsOf: RepositoryFiles.root.appendingPathComponent("pipelines/default.yml"), encoding: .utf8)
        let connection = try PostgresConnection(PostgresConfiguration(connectionString: database.connectionString), logger: Self.logger)
        defer { connection.close() }
        try SchemaMigrator(connection: connection, schema: "segflow", logger: Self.logger).migrate()
        let report = try validate(yaml, database: PostgresConfiguration(connectionString: database.connectionString))
        #expect(report.issues.isEmpty, "\(report.issues)")
        #expect(report.checkedSources == SourceName.allCases)
    }

    @Test func anOutputSchemaFromANewerSegflowIsAnErrorAtOutputSchema() throws {
        let database = try storeDatabase()
        let connection = try PostgresConnection(PostgresConfiguration(connectionString: database.connectionString), logger: Self.logger)
        defer { connection.close() }
        try SchemaMigrator(connection: connection, schema: "bi", logger: Self.logger).migrate()
        try connection.execute("insert into bi.schema_migrations (version, name, checksum) values (9999, 'future', 'x')")
        let yaml = """
        version: 1
        name: newer
        timezone: UTC
        base_currency: EUR
        output:
          schema: bi
        segmentations:
          - key: main
            primary: true
            segments:
              - { key: everyone, rule: "true" }
        """
        let report = try validate(yaml, database: PostgresConfiguration(connectionString: database.connectionString))
        #expect(report.issues.map { "\($0.line):\($0.column) \($0.severity.rawValue) \($0.code)" } == ["6:11 error schema_too_new"])
        #expect(report.issues.first?.message.contains("version 9999") == true)
    }

    @Test func defaultSourcesAreCheckedAndPlacedAtTheSourcesKey() throws {
        let database = try TestPostgres.makeDatabase(prefix: "validate_empty")
        let yaml = """
        version: 1
        name: defaults
        timezone: UTC
        base_currency: EUR
        sources:
          orders: { query: "select * from shop.orders" }
        segmentations:
          - key: main
            primary: true
            segments:
              - { key: everyone, rule: "true" }
        """
        let report = try validate(yaml, database: PostgresConfiguration(connectionString: database.connectionString))
        // No shop schema at all: each default table is missing, placed at `sources:`; the query fails at its value.
        #expect(report.issues.filter { $0.code == "missing_table" }.map { "\($0.line):\($0.column)" }
            == Array(repeating: "5:1", count: SourceName.allCases.count - 1))
        #expect(report.issues.filter { $0.code == "source_error" }.map { "\($0.line):\($0.column)" } == ["6:20"])
    }
}
