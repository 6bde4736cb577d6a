import PostgresClient
import SegflowTestSupport
import Testing

@Suite struct ConnectionFailureTests {
    @Test func unreachableHostFailsWithConnectionError() throws {
        let error = try #require(throws: PostgresError.self) {
            _ = try PostgresConnection(PostgresConfiguration(connectionString: "host=127.0.0.1 port=1 dbname=x connect_timeout=3"))
        }
        #expect(error.code == .connectionFailed)
        #expect(error.isTransient)
        #expect(error.description.contains("could not connect"))
    }

    @Test func wrongPasswordIsReportedWithoutThePassword() throws {
        let database = try TestPostgres.makeDatabase(prefix: "badpw")
        let secret = "Sup3rSecretWrongPw"
        let uri = "postgresql://segflow:\(secret)@\(database.cluster.host):\(database.cluster.port)/\(database.name)"
        let error = try #require(throws: PostgresError.self) {
            _ = try PostgresConnection(PostgresConfiguration(connectionString: uri))
        }
        #expect(error.code == .connectionFailed)
        #expect(error.description.contains("password authentication failed"))
        #expect(!error.description.contains(secret))
        #expect(!error.debugDescription.contains(secret))
        #expect(!String(describing: error).contains(secret))
    }

    @Test func keywordValuePasswordNeverAppearsInErrors() throws {
        let database = try TestPostgres.makeDatabase(prefix: "badpwkv")
        let secret = "An0therWrongOne"
        let conninfo = "host=\(database.cluster.host) port=\(database.cluster.port) dbname=\(database.name) user=segflow password=\(secret)"
        let error = try #require(throws: PostgresError.self) {
            _ = try PostgresConnection(PostgresConfiguration(connectionString: conninfo))
        }
        #expect(!error.debugDescription.contains(secret))
        #expect(error.description.contains("password=***"))
    }

    @Test func rightPasswordOverTCPConnects() throws {
        let database = try TestPostgres.makeDatabase(prefix: "tcp")
        let connection = try PostgresConnection(PostgresConfiguration(connectionString: database.tcpConnectionString))
        #expect(try connection.execute("select 41 + 1 as answer")[0]["answer"].int == 42)
    }

    @Test func missingDatabaseIsNamedInTheError() throws {
        let database = try TestPostgres.makeDatabase(prefix: "missing")
        let conninfo = database.connectionString.replacingOccurrences(of: "dbname=\(database.name)", with: "dbname=no_such_db_here")
        let error = try #require(throws: PostgresError.self) {
            _ = try PostgresConnection(PostgresConfiguration(connectionString: conninfo))
        }
        #expect(error.description.contains("no_such_db_here"))
        #expect(error.description.contains("does not exist"))
    }

    @Test func databaseURLEnvironmentIsUsedWhenNoConnectionStringIsGiven() {
        let configuration = PostgresConfiguration.resolve(nil, environment: ["DATABASE_URL": "postgresql://u:pw@h/db"])
        #expect(configuration.connectionString == "postgresql://u:pw@h/db")
        #expect(configuration.redacted == "postgresql://u:***@h/db")
        let explicit = PostgresConfiguration.resolve("dbname=x", environment: ["DATABASE_URL": "postgresql://h/db"])
        #expect(explicit.connectionString == "dbname=x")
        #expect(PostgresConfiguration.resolve(nil, environment: [:]).connectionString.isEmpty)
    }

    @Test func redactionMasksPasswordsInEveryForm() {
        #expect(PostgresConfiguration.redact("postgres://a:b%40c@host:5432/db?sslmode=require") == "postgres://a:***@host:5432/db?sslmode=require")
        #expect(PostgresConfiguration.redact("postgresql://host/db?user=a&password=secret") == "postgresql://host/db?user=a&password=***")
        #expect(PostgresConfiguration.redact("host=h password='s e c' dbname=d") == "host=h password=*** dbname=d")
        #expect(PostgresConfiguration.redact("host=h dbname=d") == "host=h dbname=d")
    }
}
