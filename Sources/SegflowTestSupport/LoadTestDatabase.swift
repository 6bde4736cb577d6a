import Foundation
import Logging
import PostgresClient
import Segflow

/// A fresh database per test, and connections to it.
public struct LoadTestDatabase: Sendable {
    /// libpq connection string of the database.
    public let connectionString: String

    /// A handle on an existing database (e.g. one made by ``TestPostgres/makeDatabase(prefix:)``).
    public init(connectionString: String) {
        self.connectionString = connectionString
    }

    /// A new empty database in the shared test cluster; `prefix` names it after the test.
    public static func make(_ prefix: String) throws -> LoadTestDatabase {
        LoadTestDatabase(connectionString: try TestPostgres.makeDatabase(prefix: prefix).connectionString)
    }

    /// A new connection to the database.
    public func connect() throws -> PostgresConnection {
        try PostgresConnection(PostgresConfiguration(connectionString: connectionString), logger: Self.logger)
    }

    /// The logger of load tests (``testLogger(_:)``).
    public static var logger: Logger { testLogger("segflow.test.load") }

    /// A database with the output schema migrated.
    public static func migrated(_ prefix: String, schema: String = "segflow") throws -> (LoadTestDatabase, PostgresConnection) {
        let database = try make(prefix)
        let connection = try database.connect()
        try SchemaMigrator(connection: connection, schema: schema, logger: logger).migrate()
        return (database, connection)
    }
}

extension PostgresConnection {
    /// Every row of a query as text cells, for exact comparisons.
    public func texts(_ query: PostgresQuery) throws -> [[String?]] {
        let result = try execute(query)
        return result.rows.map { row in (0..<result.columnCount).map { row[$0].text } }
    }
}
