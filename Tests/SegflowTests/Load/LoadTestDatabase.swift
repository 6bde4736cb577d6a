import Foundation
import Logging
import PostgresClient
@testable import Segflow
import SegflowTestSupport

/// A fresh database per test, and connections to it.
struct LoadTestDatabase {
    let connectionString: String

    /// A new empty database in the shared test cluster; `prefix` names it after the test.
    static func make(_ prefix: String) throws -> LoadTestDatabase {
        LoadTestDatabase(connectionString: try TestPostgres.makeDatabase(prefix: prefix).connectionString)
    }

    func connect() throws -> PostgresConnection {
        try PostgresConnection(PostgresConfiguration(connectionString: connectionString), logger: Self.logger)
    }

    /// Quiet unless SEGFLOW_TEST_LOG_LEVEL asks otherwise.
    static var logger: Logger {
        var logger = Logger(label: "segflow.test.load")
        logger.logLevel = ProcessInfo.processInfo.environment["SEGFLOW_TEST_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        return logger
    }

    /// A database with the output schema migrated.
    static func migrated(_ prefix: String, schema: String = "segflow") throws -> (LoadTestDatabase, PostgresConnection) {
        let database = try make(prefix)
        let connection = try database.connect()
        try SchemaMigrator(connection: connection, schema: schema, logger: logger).migrate()
        return (database, connection)
    }
}

extension PostgresConnection {
    /// Every row of a query as text cells, for exact comparisons.
    func texts(_ query: PostgresQuery) throws -> [[String?]] {
        let result = try execute(query)
        return result.rows.map { row in (0..<result.columnCount).map { row[$0].text } }
    }
}
