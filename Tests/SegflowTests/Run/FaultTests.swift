import Foundation
import LocalPostgres
import Logging
@testable import PostgresClient
@testable import Segflow
@testable import SegflowCLI
@testable import SegflowEngine
@testable import SegflowGenerator
import SegflowTestSupport
import Testing

/// Lost connections are recognised on every transport, a published snapshot is never
/// reported as failed, and lock waits on tables are bounded, logged and end with exit 75.
@Suite struct FaultTests {
    let endDay = GeneratorConfiguration.defaultEndDay

    enum Transport: String, CaseIterable, Sendable { case socket, tcp }

    static func store(_ prefix: String, cluster: LocalPostgresCluster, transport: Transport) throws -> RunTestStore {
        let store = try RunTestStore.make(prefix, customers: 200, seed: 41, cluster: cluster)
        guard transport == .tcp, let name = store.connectionString.split(separator: " ").first(where: { $0.hasPrefix("dbname=") }) else {
            return store
        }
        return RunTestStore(connectionString: cluster.tcpConnectionString(database: String(name.dropFirst("dbname=".count))))
    }

    @Test(arguments: Transport.allCases)
    func aServerRestartIsALostConnectionWorthRetrying(transport: Transport) throws {
        let cluster = try LocalPostgresCluster.start(logger: RunTestStore.quietLogger)
        defer { cluster.stop() }
        let configuration = PostgresConfiguration(connectionString: transport == .tcp
            ? cluster.tcpConnectionString() : cluster.connectionString())
        let connection = try PostgresConnection(configuration, logger: RunTestStore.quietLogger)
        defer { connection.close() }
        try cluster.restart()
        let error = #expect(throws: PostgresError.self) { try connection.execute("select 1") }
        #expect(error?.code == .connectionFailed, "\(error.map { "\($0.code): \($0)" } ?? "")")
        #expect(error.map(RetryPolicy.isTransient) == true)
    }

    /// The case a Unix socket produces: libpq reports a failed send/receive without SQLSTATE
    /// while `PQstatus` still reads OK. Simulated by putting an unconnected socket under the
    /// connection (a read then fails with ENOTCONN, which libpq does not treat as fatal).
    @Test func aBrokenSocketThatStillReadsOKIsALostConnection() throws {
        let store = RunTestStore(connectionString: try TestPostgres.makeDatabase(prefix: "fault_sock").connectionString)
        let connection = try store.connect()
        defer { connection.close() }
        let unconnected = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        #expect(unconnected >= 0)
        #expect(dup2(unconnected, connection.socketDescriptor) >= 0)
        close(unconnected)
        let error = #expect(throws: PostgresError.self) { try connection.execute("select 1") }
        #expect(error?.sqlState == nil)
        #expect(error?.code == .connectionFailed, "\(error.map { "\($0.code): \($0)" } ?? "")")
        #expect(error.map(RetryPolicy.isTransient) == true)
    }

    @Test(arguments: Transport.allCases)
    func aRestartAfterThePublishStillEndsSucceeded(transport: Transport) throws {
        let cluster = try LocalPostgresCluster.start(logger: RunTestStore.quietLogger)
        defer { cluster.stop() }
        let store = try Self.store("fault_ledger_\(transport)", cluster: cluster, transport: transport)
        let recorder = RecordingLogHandler()
        let restarted = NSLock()
        nonisolated(unsafe) var didRestart = false
        recorder.onMessage = { message, _ in
            // Committed, not yet in the ledger: the ledger's connection dies with the server.
            guard message == "published snapshot" else { return }
            let first = restarted.withLock { () -> Bool in
                defer { didRestart = true }
                return !didRestart
            }
            if first { try? cluster.restart() }
        }
        let report = try store.runner(try RunTestStore.pipeline(), retryFor: 60, logger: recorder.logger).run(asOf: endDay)
        #expect(restarted.withLock { didRestart })
        #expect(report.customers > 0)
        #expect(try store.rows("select status, exit_code::text from segflow.runs") == [["succeeded", "0"]])
        #expect(try store.count("select count(*) from segflow.snapshots") == 1)
    }

    /// Locked before the run (its source check waits) or once the run has started (the extraction waits).
    @Test(arguments: [false, true])
    func aLockedSourceTableEndsWithExit75AndSaysWhatItWaitsFor(lockedOnceStarted: Bool) throws {
        let store = try RunTestStore.make("fault_srclock", customers: 100, seed: 42)
        let holder = try store.connect()
        defer { holder.close() }
        let recorder = RecordingLogHandler()
        nonisolated(unsafe) let locking = holder
        if lockedOnceStarted {
            recorder.onMessage = { message, _ in
                if message == "run started" { _ = try? locking.simpleQuery("begin; lock table shop.orders in access exclusive mode") }
            }
        } else {
            try holder.simpleQuery("begin; lock table shop.orders in access exclusive mode")
        }
        let runner = PipelineRunner(database: store.configuration, pipeline: try RunTestStore.pipeline(),
                                    options: .init(workers: 2, lockTimeout: 0, retryFor: 0, tableLockTimeout: 4), logger: recorder.logger)
        let started = Date()
        let error = #expect(throws: LockWaitTimeoutError.self) { try runner.run(asOf: endDay) }
        #expect(Date().timeIntervalSince(started) < 30)
        #expect(error.map(RunExitCode.code(for:)) == 75)
        #expect(error?.waiting == (lockedOnceStarted ? "extracting source orders" : "checking the sources"))
        let waits = recorder.messages("waiting for a lock")
        #expect(waits.contains { $0["waiting_for"] == "shop.orders" && $0["blocked_by_pids"] == "{\(holder.backendPID)}" })
        try holder.simpleQuery("rollback")
        #expect(try store.rows("select status, exit_code::text from segflow.runs") == (lockedOnceStarted ? [["failed", "75"]] : []))
    }

    /// The server goes away right after the commit and stays away for a few seconds; with no
    /// retries at all the run still succeeds, and the ledger says so once the server is back.
    @Test(arguments: Transport.allCases)
    func aServerAwayAfterThePublishDoesNotFailThePublishedRun(transport: Transport) throws {
        let cluster = try LocalPostgresCluster.start(logger: RunTestStore.quietLogger)
        defer { cluster.stop() }
        let store = try Self.store("fault_away_\(transport)", cluster: cluster, transport: transport)
        let recorder = RecordingLogHandler()
        let stopped = NSLock()
        nonisolated(unsafe) var didStop = false
        recorder.onMessage = { message, _ in
            guard message == "published snapshot" else { return }
            let first = stopped.withLock { () -> Bool in
                defer { didStop = true }
                return !didStop
            }
            guard first else { return }
            try? cluster.stopServer()
            DispatchQueue.global().asyncAfter(deadline: .now() + 3) { try? cluster.startServer() }
        }
        let report = try store.runner(try RunTestStore.pipeline(), retryFor: 0, logger: recorder.logger).run(asOf: endDay)
        #expect(stopped.withLock { didStop })
        #expect(report.customers > 0)
        #expect(try store.rows("select status, exit_code::text from segflow.runs") == [["succeeded", "0"]])
        #expect(try store.count("select count(*) from segflow.snapshots") == 1)
    }

    @Test func aLockedOutputTableEndsWithExit75InTheLedger() throws {
        let store = try RunTestStore.make("fault_outlock", customers: 100, seed: 43)
        let holder = try store.connect()
        defer { holder.close() }
        try holder.simpleQuery("begin; lock table segflow.customer_features in access exclusive mode")
        let recorder = RecordingLogHandler()
        let runner = PipelineRunner(database: store.configuration, pipeline: try RunTestStore.pipeline(),
                                    options: .init(workers: 2, lockTimeout: 0, retryFor: 0, tableLockTimeout: 4), logger: recorder.logger)
        let error = #expect(throws: LockWaitTimeoutError.self) { try runner.run(asOf: endDay) }
        #expect(error.map(RunExitCode.code(for:)) == 75)
        #expect(recorder.messages("waiting for a lock").contains { $0["waiting_for"] == "segflow.customer_features" })
        try holder.simpleQuery("rollback")
        #expect(try store.rows("select status, exit_code::text from segflow.runs") == [["failed", "75"]])
        #expect(try store.count("select count(*) from segflow.snapshots") == 0)
    }

    @Test func serverSideTimeoutsAreExit75() {
        #expect(RunExitCode.code(for: PostgresError(code: .server, message: "canceling statement due to lock timeout", sqlState: "55P03")) == 75)
        #expect(RunExitCode.code(for: PostgresError(code: .cancelled, message: "canceling statement due to statement timeout", sqlState: "57014")) == 75)
        #expect(RunExitCode.code(for: PostgresError(code: .server, message: "syntax error", sqlState: "42601")) == 1)
    }
}
