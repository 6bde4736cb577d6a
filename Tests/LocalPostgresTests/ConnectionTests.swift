import Foundation
import LocalPostgres
import SegflowTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Connecting to a local cluster")
struct ConnectionTests {
    @Test func psqlOverTheUnixSocketAnswersSelectOne() throws {
        let cluster = try TestPostgres.cluster()

        let outcome = try runPsql(cluster, connection: cluster.connectionString(), sql: "select 1")

        #expect(outcome.status == 0, "psql failed: \(outcome.stderr)")
        #expect(outcome.stdout == "1")
        #expect(cluster.connectionString(database: "shop")
            == "host=\(cluster.socketDirectory) port=\(cluster.port) user=segflow dbname=shop")
        // The socket path must fit in sockaddr_un (about 107 bytes).
        #expect((cluster.socketDirectory + "/.s.PGSQL.\(cluster.port)").utf8.count < 100)
    }

    @Test func serverIsTunedForThrowawayBulkLoads() throws {
        let cluster = try TestPostgres.cluster()

        let settings = try cluster.psql("""
            select string_agg(name || '=' || current_setting(name), ',' order by name) from pg_settings
            where name in ('fsync', 'synchronous_commit', 'full_page_writes', 'wal_level', 'max_wal_senders',
                           'shared_buffers', 'work_mem', 'max_connections', 'listen_addresses', 'server_encoding', 'lc_collate')
            """)

        #expect(settings == [
            "fsync=off", "full_page_writes=off", "lc_collate=C", "listen_addresses=127.0.0.1", "max_connections=100",
            "max_wal_senders=0", "server_encoding=UTF8", "shared_buffers=512MB", "synchronous_commit=off",
            "wal_level=minimal", "work_mem=64MB",
        ].joined(separator: ","))
    }

    @Test func tcpAcceptsTheRightPasswordAndRejectsAWrongOne() throws {
        // Quote, backslash and space check the connection-string quoting too.
        let password = #"it's a \secret"#
        let cluster = try LocalPostgresCluster.start(
            options: .init(password: password, serverSettings: ["work_mem": "32MB"]),
            logger: testLogger()
        )
        defer { cluster.stop() }
        #expect(cluster.password == password)
        #expect(try cluster.psql("show work_mem") == "32MB")

        let good = try runPsql(cluster, connection: cluster.tcpConnectionString(), sql: "select current_user")
        #expect(good.status == 0, "psql failed: \(good.stderr)")
        #expect(good.stdout == "segflow")

        let bad = try runPsql(cluster, connection: cluster.tcpConnectionString(password: "wrong"), sql: "select 1")
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("password authentication failed"), "stderr: \(bad.stderr)")
    }

    @Test func defaultPasswordIsRandomAndWorksOverTCP() throws {
        let cluster = try TestPostgres.cluster()

        #expect(cluster.password.count >= 32)
        let outcome = try runPsql(cluster, connection: cluster.tcpConnectionString(database: "postgres"), sql: "select 42")
        #expect(outcome.status == 0, "psql failed: \(outcome.stderr)")
        #expect(outcome.stdout == "42")
    }

    @Test func twoClustersRunAtOnceOnDifferentPorts() throws {
        let first = try TestPostgres.cluster()
        let second = try LocalPostgresCluster.start(logger: testLogger())
        defer { second.stop() }

        #expect(first.port != second.port)
        #expect(first.directory != second.directory)
        try second.psql("create table only_in_second (id int)")
        #expect(try second.psql("select count(*) from pg_tables where tablename = 'only_in_second'") == "1")
        #expect(try first.psql("select count(*) from pg_tables where tablename = 'only_in_second'") == "0")
    }

    @Test func createdDatabaseCanBeUsedAndDropped() throws {
        let cluster = try TestPostgres.cluster()

        try cluster.createDatabase("segflow_it")
        let inside = try runPsql(cluster, connection: cluster.connectionString(database: "segflow_it"), sql: "select current_database()")
        #expect(inside.stdout == "segflow_it")

        try cluster.dropDatabase("segflow_it")
        try cluster.dropDatabase("segflow_it")  // --if-exists: a second drop is fine
        let gone = try runPsql(cluster, connection: cluster.connectionString(database: "segflow_it"), sql: "select 1")
        #expect(gone.status != 0)
        #expect(gone.stderr.contains("does not exist"), "stderr: \(gone.stderr)")
    }

    @Test func psqlHelperReportsSQLErrorsWithTheServerMessage() throws {
        let cluster = try TestPostgres.cluster()

        let error = #expect(throws: CommandFailedError.self) {
            try cluster.psql("select * from no_such_table")
        }
        #expect(error?.description.contains("relation \"no_such_table\" does not exist") == true)
        #expect(error?.exitStatus != nil && error?.exitStatus != 0)
    }
}
