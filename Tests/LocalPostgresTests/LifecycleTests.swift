import Foundation
@testable import LocalPostgres
import SegflowTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Cluster lifecycle and cleanup")
struct LifecycleTests {
    @Test func stopRemovesTheDirectoryAndClosesThePortAndCanBeRepeated() throws {
        let cluster = try LocalPostgresCluster.start(logger: testLogger())
        let pid = try #require(cluster.serverProcessID)
        #expect(FileManager.default.fileExists(atPath: cluster.directory))
        #expect(isListening(port: cluster.port))

        cluster.stop()

        #expect(!FileManager.default.fileExists(atPath: cluster.directory))
        #expect(!isListening(port: cluster.port))
        #expect(!processExists(pid))
        #expect(!cluster.isServerRunning)
        cluster.stop()  // idempotent
        #expect(throws: LocalPostgresError.self) { try cluster.createDatabase("after_stop") }
        #expect(throws: LocalPostgresError.self) { try cluster.restart() }
    }

    @Test func restartKeepsDataAndPort() throws {
        let cluster = try LocalPostgresCluster.start(logger: testLogger())
        defer { cluster.stop() }
        try cluster.psql("create table kept (id int); insert into kept values (1), (2), (3)")
        let pidBefore = cluster.serverProcessID

        try cluster.restart()

        #expect(cluster.serverProcessID != pidBefore)
        #expect(try cluster.psql("select sum(id) from kept") == "6")
        let outcome = try runPsql(cluster, connection: cluster.tcpConnectionString(), sql: "select count(*) from kept")
        #expect(outcome.stdout == "3", "psql: \(outcome.stderr)")
    }

    @Test func stopServerKeepsTheDataUntilStartServer() throws {
        let cluster = try LocalPostgresCluster.start(logger: testLogger())
        defer { cluster.stop() }
        try cluster.psql("create table survives (name text); insert into survives values ('x')")

        try cluster.stopServer()
        try cluster.stopServer()  // already down: no-op
        #expect(!cluster.isServerRunning)
        #expect(!isListening(port: cluster.port))
        #expect(FileManager.default.fileExists(atPath: cluster.dataDirectory))
        let down = try runPsql(cluster, connection: cluster.connectionString(), sql: "select 1")
        #expect(down.status != 0)

        try cluster.startServer()
        try cluster.startServer()  // already up: no-op
        #expect(cluster.isServerRunning)
        #expect(try cluster.psql("select name from survives") == "x")
    }

    @Test(.enabled(if: geteuid() == 0, "only meaningful when the tests run as root"))
    func asRootTheServerRunsAsAnUnprivilegedAccountAndRootCanConnect() throws {
        let cluster = try TestPostgres.cluster()
        let pid = try #require(cluster.serverProcessID)
        let expected = try #require(SystemAccount.lookup("postgres") ?? SystemAccount.lookup("nobody"))

        // /proc/<pid> is owned by the process's effective uid.
        #expect(try ownerUID(of: "/proc/\(pid)") == Int(expected.uid))
        #expect(try ownerUID(of: cluster.dataDirectory) == Int(expected.uid))
        #expect(try cluster.psql("select current_setting('data_directory')") == cluster.dataDirectory)
        let outcome = try runPsql(cluster, connection: cluster.connectionString(), sql: "select 1")
        #expect(outcome.stdout == "1", "root could not use the socket: \(outcome.stderr)")
    }

    @Test func watchdogRemovesTheClusterWhenItsOwnerIsKilled() throws {
        let cluster = try LocalPostgresCluster.start(logger: testLogger())
        defer { cluster.stop() }
        let postmaster = try #require(cluster.serverProcessID)
        // Stand-in owner: a second watchdog guards the cluster on behalf of a process we then kill -9.
        let owner = Process()
        owner.executableURL = URL(fileURLWithPath: "/bin/sleep")
        owner.arguments = ["60"]
        try owner.run()
        #expect(Watchdog.launch(ownerPID: owner.processIdentifier, directory: cluster.directory,
                                dataDirectory: cluster.dataDirectory, logger: testLogger()))
        usleep(300_000)
        #expect(cluster.isServerRunning, "the watchdog must leave a cluster alone while its owner lives")

        kill(owner.processIdentifier, SIGKILL)
        owner.waitUntilExit()

        #expect(eventually(within: 10) { !processExists(postmaster) && !FileManager.default.fileExists(atPath: cluster.directory) })
        #expect(!isListening(port: cluster.port))
        cluster.stop()  // what the watchdog already removed is not an error
    }

    @Test func failedStartReportsTheServerLogAndLeavesNothingBehind() throws {
        let root = try TemporaryDirectory.create(in: "/tmp", prefix: "segflow-lpt-")
        defer { try? FileManager.default.removeItem(atPath: root) }
        // The server account (when root) must be able to reach the cluster directory inside.
        chmod(root, 0o755)

        let error = #expect(throws: ServerStartError.self) {
            _ = try LocalPostgresCluster.start(
                options: .init(serverSettings: ["shared_buffers": "not-a-size"], temporaryDirectoryRoot: root),
                logger: testLogger()
            )
        }
        #expect(error?.description.contains("shared_buffers") == true, "\(String(describing: error))")
        #expect(error?.logTail.isEmpty == false)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root).isEmpty)
    }

    @Test func missingBinariesErrorSaysHowToInstallPostgres() throws {
        let error = #expect(throws: PostgresBinariesNotFoundError.self) {
            _ = try LocalPostgresCluster.start(options: .init(binDirectory: "/nonexistent/bin"), logger: testLogger())
        }
        let text = error?.description ?? ""
        #expect(text.contains("apt-get install postgresql"))
        #expect(text.contains("/nonexistent/bin"))
        #expect(text.contains("SEGFLOW_PG_BIN"))
    }

    @Test func invalidOptionsAreRejectedBeforeAnythingRuns() {
        #expect(throws: LocalPostgresError.self) {
            _ = try LocalPostgresCluster.start(options: .init(password: ""), logger: testLogger())
        }
        #expect(throws: LocalPostgresError.self) {
            _ = try LocalPostgresCluster.start(options: .init(serverSettings: ["bad name": "1"]), logger: testLogger())
        }
    }

    @Test func connectionStringValuesAreQuotedForLibpq() {
        #expect(ConnectionString.quote("plain/path_1") == "plain/path_1")
        #expect(ConnectionString.quote("") == "''")
        #expect(ConnectionString.quote("a b") == "'a b'")
        #expect(ConnectionString.quote(#"it's \x"#) == #"'it\'s \\x'"#)
    }
}
