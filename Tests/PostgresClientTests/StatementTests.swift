import PostgresClient
import SegflowTestSupport
import Testing

@Suite struct StatementTests {
    func connect(_ prefix: String) throws -> PostgresConnection {
        try PostgresConnection(PostgresConfiguration(connectionString: TestPostgres.makeDatabase(prefix: prefix).connectionString))
    }

    @Test func sqlErrorsCarrySQLStateDetailAndQuery() throws {
        let connection = try connect("sqlerr")
        let division = try #require(throws: PostgresError.self) { try connection.execute("select 1 / 0") }
        #expect(division.sqlState == "22012")
        #expect(division.code == .server)
        #expect(division.description == "division by zero (SQLSTATE 22012)")
        #expect(division.debugDescription.contains("QUERY: select 1 / 0"))

        try connection.simpleQuery("create table t (id int primary key)")
        try connection.execute("insert into t values (\(1))")
        let duplicate = try #require(throws: PostgresError.self) { try connection.execute("insert into t values (\(1))") }
        #expect(duplicate.sqlState == "23505")
        #expect(duplicate.detail?.contains("(id)=(1)") == true)

        let missing = try #require(throws: PostgresError.self) { try connection.execute("select * from nowhere") }
        #expect(missing.sqlState == "42P01")
        // The connection stays usable after errors.
        #expect(try connection.execute("select 1 as one")[0]["one"].int == 1)
    }

    @Test func interpolatedValuesAreBoundNotSpliced() throws {
        let connection = try connect("binds")
        let hostile = "'); drop table victims; --"
        try connection.simpleQuery("create table victims (name text)")
        let query: PostgresQuery = "insert into victims values (\(hostile))"
        #expect(query.sql == "insert into victims values ($1)")
        try connection.execute(query)
        let row = try connection.execute("select name, count(*) over () as n from victims")[0]
        #expect(row["name"].string == hostile)
        #expect(row["n"].int == 1)
        let nothing: String? = nil
        #expect(try connection.execute("select \(nothing)::text is null as isnull")[0]["isnull"].bool == true)
    }

    @Test func identifiersFromConfigurationAreQuoted() throws {
        let connection = try connect("idents")
        let schema = "odd \"schema\""
        try connection.execute("create schema \(identifier: schema)")
        try connection.execute("create table \(qualifiedName: "\(schema).t") (x int)")
        let found = try connection.execute("select count(*) as n from pg_tables where schemaname = \(schema)")
        #expect(found[0]["n"].int == 1)
    }

    @Test func typedResultsDecodeFromText() throws {
        let connection = try connect("typed")
        let row = try connection.execute("""
            select 7::int8 as i, 2.5::float8 as f, true as b, 'x'::text as t, null::text as n,
                   date '2024-02-29' as d, timestamptz '2024-03-01 12:34:56.789+02' as ts, 12.345::numeric as num
            """)[0]
        #expect(row["i"].int64 == 7)
        #expect(row["f"].double == 2.5)
        #expect(row["b"].bool == true)
        #expect(row["t"].string == "x")
        #expect(row["n"].isNull)
        #expect(row["d"].date == PostgresDate(year: 2024, month: 2, day: 29))
        #expect(row["ts"].timestamp == PostgresTimestamp(iso: "2024-03-01 10:34:56.789+00"))
        #expect(row["num"].numeric?.description == "12.345")
        #expect(throws: PostgresError.self) { try row["t"].decode(Int.self) { $0.int } }
    }

    @Test func transactionsRollBackWhenTheBodyThrows() throws {
        struct Boom: Error {}
        let connection = try connect("tx")
        try connection.simpleQuery("create table t (x int)")
        #expect(throws: Boom.self) {
            try connection.transaction {
                try connection.execute("insert into t values (\(1))")
                throw Boom()
            }
        }
        try connection.transaction { try connection.execute("insert into t values (\(2))") }
        #expect(try connection.execute("select array_agg(x)::text as xs from t")[0]["xs"].string == "{2}")
    }

    @Test func advisoryLocksExcludeOtherSessions() throws {
        let database = try TestPostgres.makeDatabase(prefix: "locks")
        let first = try PostgresConnection(PostgresConfiguration(connectionString: database.connectionString))
        let second = try PostgresConnection(PostgresConfiguration(connectionString: database.connectionString))
        let key = PostgresConnection.advisoryLockKey(for: "segflow:test")
        #expect(key == PostgresConnection.advisoryLockKey(for: "segflow:test"))
        #expect(try first.tryAdvisoryLock(key))
        #expect(try !second.tryAdvisoryLock(key))
        #expect(try !second.advisoryLock(key, timeout: 0.3))
        try first.advisoryUnlock(key)
        #expect(try second.advisoryLock(key, timeout: 2))
    }

    @Test func statementTimeoutCancelsWithSQLState57014() throws {
        let connection = try connect("timeout")
        try connection.setStatementTimeout(milliseconds: 100)
        let error = try #require(throws: PostgresError.self) { try connection.execute("select pg_sleep(5)") }
        #expect(error.isCancellation)
        #expect(error.sqlState == "57014")
    }
}
