import Foundation
import PostgresClient
import SegflowSQL
import SegflowTestSupport

/// The `segflow.*` session settings the reference SQL reads (sql/reference/000_params.sql).
struct ReferenceParameters: Sendable {
    var asOf = "2024-06-30"
    var timeZone = "Europe/Berlin"
    var baseCurrency = "EUR"
    var maxOrderTotal = "10000"
    var validStatuses = "completed,cancelled,refunded,pending"
    var testEmails = ""
    var testEmailDomains = ""
    var testCustomerIDs = ""
    var runStartedAt = "2024-06-30 21:45:00+00"

    /// What `sql/reference/fixtures/shop_fixture.sql` is written for: the cut-off T is
    /// 2024-06-30 22:00Z and rows between 21:45Z and 22:00Z are "in the future".
    static let fixture = ReferenceParameters(
        testEmails: "qa@shop.test", testEmailDomains: "example.org", testCustomerIDs: "999"
    )

    var settings: [(String, String)] {
        [
            ("segflow.as_of", asOf), ("segflow.timezone", timeZone), ("segflow.base_currency", baseCurrency),
            ("segflow.max_order_total", maxOrderTotal), ("segflow.valid_statuses", validStatuses),
            ("segflow.test_emails", testEmails), ("segflow.test_email_domains", testEmailDomains),
            ("segflow.test_customer_ids", testCustomerIDs), ("segflow.run_started_at", runStartedAt),
        ]
    }
}

/// Runs the plain-SQL reference the way segflow does: parameters with `set_config`, then
/// every model file in name order with `simpleQuery`, on one connection.
enum ReferenceSQL {
    /// The model files, `NNN_name.sql`, in the order they run.
    static func modelFiles() throws -> [URL] {
        try SegflowSQL.files(in: "reference")
    }

    static func run(on connection: PostgresConnection, parameters: ReferenceParameters) throws {
        for (name, value) in parameters.settings {
            try connection.execute("select set_config(\(name), \(value), false)")
        }
        for file in try modelFiles() {
            try connection.simpleQuery(String(contentsOf: file, encoding: .utf8))
        }
    }

    /// The raw `shop` schema (no keys, no constraints) the fixtures are written for.
    static func createShopSchema(on connection: PostgresConnection) throws {
        try connection.simpleQuery(SegflowSQL.text("reference/fixtures/shop_schema.sql"))
    }

    /// A fresh database with the shop schema, `extraSQL` (rows) loaded, and the reference run.
    static func makeDatabase(prefix: String, rows extraSQL: String, parameters: ReferenceParameters) throws -> TestDatabaseInfo {
        let database = try TestPostgres.makeDatabase(prefix: prefix)
        let connection = try connect(database)
        defer { connection.close() }
        try connection.simpleQuery("set client_min_messages = warning")
        try createShopSchema(on: connection)
        try connection.simpleQuery(extraSQL)
        try run(on: connection, parameters: parameters)
        return database
    }

    static func connect(_ database: TestDatabaseInfo) throws -> PostgresConnection {
        try PostgresConnection(PostgresConfiguration(connectionString: database.connectionString))
    }
}

/// A database with the reference run over a dataset, shared by the tests that read it.
struct ReferenceRun: Sendable {
    let database: TestDatabaseInfo

    /// The hand-made fixture (sql/reference/fixtures/shop_fixture.sql), run once per process.
    static let fixture: Result<ReferenceRun, any Error> = Result {
        try ReferenceRun(database: ReferenceSQL.makeDatabase(
            prefix: "reference_fixture",
            rows: SegflowSQL.text("reference/fixtures/shop_fixture.sql"),
            parameters: .fixture
        ))
    }

    static func sharedFixture() throws -> ReferenceRun { try fixture.get() }

    /// Rows of a query, each as column name -> text (nil for NULL).
    func rows(_ query: PostgresQuery) throws -> [[String: String?]] {
        let connection = try ReferenceSQL.connect(database)
        defer { connection.close() }
        let result = try connection.execute(query)
        let names = result.columnNames
        return result.rows.map { row in
            Dictionary(uniqueKeysWithValues: names.enumerated().map { ($0.element, row[$0.offset].text) })
        }
    }

    /// One value: the first column of the first row (nil for NULL or no row).
    func value(_ query: PostgresQuery) throws -> String? {
        let connection = try ReferenceSQL.connect(database)
        defer { connection.close() }
        let result = try connection.execute(query)
        return result.rowCount == 0 ? nil : result[0][0].text
    }

    /// The first column of every row.
    func column(_ query: PostgresQuery) throws -> [String?] {
        let connection = try ReferenceSQL.connect(database)
        defer { connection.close() }
        return try connection.execute(query).rows.map { $0[0].text }
    }

    /// The customer_features row of one customer; nil when the customer has none.
    func features(_ customerID: Int64) throws -> [String: String?]? {
        try rows("select * from segflow_reference.customer_features where customer_id = \(customerID)").first
    }
}
