import Foundation
import Logging
import PostgresClient
import SegflowGenerator

/// A test database filled by `DataGenerator`.
public final class GeneratedDatabase: Sendable {
    /// The database it was generated into.
    public let database: TestDatabaseInfo
    /// What the generator reported.
    public let report: GenerationReport

    /// The generator configuration used.
    public var configuration: GeneratorConfiguration { report.configuration }

    /// Generates into a fresh database of the shared test cluster.
    public init(_ configuration: GeneratorConfiguration, prefix: String = "gen") throws {
        database = try TestPostgres.makeDatabase(prefix: prefix)
        report = try Self.generate(configuration, into: database)
    }

    /// Generates `configuration` into `database` (quiet, progress logged at most once a minute).
    @discardableResult
    public static func generate(_ configuration: GeneratorConfiguration, into database: TestDatabaseInfo) throws -> GenerationReport {
        let logger = testLogger("segflow.test.generate")
        var configuration = configuration
        configuration.progressInterval = 60
        let postgres = PostgresConfiguration(connectionString: database.connectionString)
        return try DataGenerator(configuration: configuration, logger: logger).run(database: postgres)
    }

    /// A new connection to the database.
    public func connect() throws -> PostgresConnection {
        try PostgresConnection(PostgresConfiguration(connectionString: database.connectionString))
    }

    /// The first column of the first row of `sql`, as text.
    public func value(_ sql: String) throws -> String? {
        let connection = try connect()
        defer { connection.close() }
        return try connection.execute(PostgresQuery(unsafeSQL: sql))[0][0].string
    }

    /// The first cell of `sql` as an integer (-1 if not one).
    public func int(_ sql: String) throws -> Int {
        Int(try value(sql) ?? "") ?? -1
    }

    /// The first cell of `sql` as a number (NaN if not one).
    public func double(_ sql: String) throws -> Double {
        Double(try value(sql) ?? "") ?? .nan
    }

    /// All rows of `sql` as text cells.
    public func rows(_ sql: String) throws -> [[String?]] {
        let connection = try connect()
        defer { connection.close() }
        let result = try connection.execute(PostgresQuery(unsafeSQL: sql))
        return result.rows.map { row in (0..<result.columnCount).map { row[$0].string } }
    }

    /// Every generated table, with an md5 over its rows in a canonical order.
    public func fingerprints() throws -> [String: String] {
        let tables = ["shop.customers", "shop.products", "shop.sessions", "shop.orders", "shop.order_items", "shop.chats",
                      "shop.fx_rates", "shop_truth.customer_personas", "shop_truth.injected_defects"]
        var prints: [String: String] = [:]
        for table in tables {
            prints[table] = try value("select md5(coalesce(string_agg(t::text, E'\\n' order by t::text), '')) from \(table) t")
        }
        return prints
    }
}

/// Datasets several tests read (generated once per test process, on first use).
public enum SharedDatasets {
    /// Clean data: 8,000 customers in blocks of 1,000.
    public static let clean = Result { try GeneratedDatabase(GeneratorConfiguration(customers: 8_000, seed: 42, workers: 2, blockSize: 1_000), prefix: "gen_clean") }
    /// Dirty data: 5,000 customers, 3 % defective rows.
    public static let dirty = Result {
        try GeneratedDatabase(GeneratorConfiguration(customers: 5_000, seed: 7, dirtyRate: 0.03, workers: 2, blockSize: 1_000), prefix: "gen_dirty")
    }
}
