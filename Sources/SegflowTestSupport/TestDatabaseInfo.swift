import LocalPostgres

/// A database created for one test by ``TestPostgres/makeDatabase(prefix:)``.
public struct TestDatabaseInfo: Sendable {
    /// The database's name.
    public let name: String
    /// The cluster it lives in (shared by all tests of the process).
    public let cluster: LocalPostgresCluster

    /// libpq connection string over the Unix socket (trust, no password).
    public var connectionString: String {
        cluster.connectionString(database: name)
    }

    /// libpq connection string over TCP with the superuser's password.
    public var tcpConnectionString: String {
        cluster.tcpConnectionString(database: name)
    }

    /// Runs SQL in this database with `psql` (see ``LocalPostgresCluster/psql(_:database:timeout:)``).
    @discardableResult
    public func psql(_ sql: String) throws -> String {
        try cluster.psql(sql, database: name)
    }

    /// Drops the database. Optional: the whole cluster is thrown away at exit.
    public func drop() throws {
        try cluster.dropDatabase(name)
    }
}
