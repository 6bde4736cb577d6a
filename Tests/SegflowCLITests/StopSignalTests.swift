import Foundation
import PostgresClient
import SegflowTestSupport
import Testing
@testable import Segflow
@testable import SegflowGenerator
@testable import SegflowPipelineFile
@testable import SegflowPublish

/// SIGTERM and SIGINT stop the real `segflow` binary politely at several stages, as an
/// ordinary process and as PID 1 of a PID namespace (where the kernel drops a signal
/// without a handler), over TCP and the Unix socket: the exit code is 143 (130), the
/// ledger says `cancelled`, no advisory lock or session is left, nothing half published,
/// and what was published before the signal stays published.
///
/// Each case parks segflow at its stage deterministically, and the signal goes out once a
/// segflow session waits there: during extraction, a `chats` mapping that sleeps per row
/// (a table lock would park the source check instead, which runs before the ledger row);
/// during publish, a test session holds the publish advisory lock.
@Suite(.serialized) struct StopSignalTests {
    enum Stage: String, Sendable { case extract, publish, backfill }
    enum Transport: String, Sendable { case tcp, socket }

    struct Case: Sendable, CustomTestStringConvertible {
        var stage: Stage
        var transport: Transport
        var pid1: Bool
        var signal: Int32 = SIGTERM
        var testDescription: String {
            "\(stage.rawValue) over \(transport.rawValue)\(pid1 ? " as PID 1" : ""), \(signal == SIGINT ? "SIGINT" : "SIGTERM")"
        }
    }

    static let day = GeneratorConfiguration.defaultEndDay.description
    static let isRoot = getuid() == 0

    static let ordinaryCases: [Case] = [
        Case(stage: .extract, transport: .socket, pid1: false),
        Case(stage: .publish, transport: .tcp, pid1: false, signal: SIGINT),
        Case(stage: .backfill, transport: .socket, pid1: false),
    ]

    static let pid1Cases: [Case] = [
        Case(stage: .extract, transport: .tcp, pid1: true),
        Case(stage: .publish, transport: .socket, pid1: true),
        Case(stage: .backfill, transport: .tcp, pid1: true),
    ]

    @Test(arguments: ordinaryCases) func anOrdinaryProcessStopsPolitely(_ test: Case) throws {
        try check(test)
    }

    // unshare --pid needs CAP_SYS_ADMIN: root here and in CI.
    @Test(.enabled(if: isRoot, "unshare --pid needs root"), arguments: pid1Cases)
    func pid1StopsPolitely(_ test: Case) throws {
        try check(test)
    }

    /// Between statements (the pipeline lock is polled with pauses): the next statement is
    /// refused, so the stop does not wait for --lock-timeout.
    @Test func aRunWaitingForThePipelineLockStops() throws {
        let store = try RunTestStore.make("stop_lockwait", customers: 100, seed: 6)
        let pipelineFile = try RunTestStore.pipelineFileWithoutGates()
        defer { try? FileManager.default.removeItem(atPath: pipelineFile) }
        let holder = try store.connect()
        defer { holder.close() }
        let lockKey = store.runner(try PipelineConfiguration.load(path: pipelineFile)).lockKey
        try holder.execute("select pg_advisory_lock(\(lockKey))")
        let running = try SegflowExecutable.start([
            "run", "--as-of", Self.day, "-d", store.connectionString, "--pipeline", pipelineFile, "--lock-timeout", "600",
            "--log-format", "json",
        ])
        try waitUntil("segflow polls the pipeline lock", running) {
            try store.count("""
                select count(*) from pg_stat_activity
                where application_name = 'segflow' and datname = current_database() and query like '%pg_try_advisory_lock%'
                  and pid <> pg_backend_pid()
                """) >= 1
        }
        let sent = Date()
        #expect(running.send(SIGTERM))
        let outcome = try running.wait(timeout: 30)
        #expect(outcome.status == RunExitCode.terminated, "\(outcome)")
        #expect(Date().timeIntervalSince(sent) < 5)
        #expect(try store.count("select count(*) from segflow.runs where status = 'running'") == 0)
        #expect(try store.count("select count(*) from segflow.snapshots") == 0)
    }

    /// In the pause between retries of an unreachable database: the pause ends at once.
    @Test func aRunRetryingAnUnreachableDatabaseStops() throws {
        let running = try SegflowExecutable.start([
            "run", "--as-of", Self.day, "-d", "host=127.0.0.1 port=1 dbname=x user=x",
            "--pipeline", RepositoryFiles.path("pipelines/default.yml"), "--retry-for", "600", "--log-format", "json",
        ])
        let deadline = Date().addingTimeInterval(60)
        while !running.standardError.contains("transient failure; retrying"), Date() < deadline, running.isRunning {
            Thread.sleep(forTimeInterval: 0.05)
        }
        Thread.sleep(forTimeInterval: 0.3)  // into a pause
        let sent = Date()
        #expect(running.send(SIGINT))
        let outcome = try running.wait(timeout: 30)
        #expect(outcome.status == RunExitCode.interrupted, "\(outcome)")
        #expect(Date().timeIntervalSince(sent) < 5)
        #expect(outcome.standardError.contains("stopped by SIGINT"), "\(outcome)")
    }

    private func check(_ test: Case) throws {
        let database = try TestPostgres.makeDatabase(prefix: "stop_\(test.stage.rawValue)")
        let store = RunTestStore(connectionString: database.connectionString)
        let generation = GeneratorConfiguration(customers: 600, seed: 5, dirtyRate: 0, workers: 2, createIndexes: false,
                                                progressInterval: 3_600)
        _ = try DataGenerator(configuration: generation, logger: RunTestStore.quietLogger).run(database: store.configuration)
        let setup = try store.connect()
        _ = try SchemaMigrator(connection: setup, schema: "segflow", logger: RunTestStore.quietLogger).migrate()
        setup.close()

        let pipelineFile = try RunTestStore.pipelineFileWithoutGates()
        defer { try? FileManager.default.removeItem(atPath: pipelineFile) }
        if test.stage == .extract {
            // The source check reads `limit 0` and so never sleeps; the extraction sleeps per chat.
            let text = try String(contentsOfFile: pipelineFile, encoding: .utf8).replacingOccurrences(
                of: "chats: { table: shop.chats }",
                with: "chats: { query: \"select * from shop.chats where pg_sleep(0.05)::text = ''\" }")
            try text.write(toFile: pipelineFile, atomically: true, encoding: .utf8)
        }
        let conninfo = test.transport == .tcp ? database.tcpConnectionString : database.connectionString
        let blocker = try store.connect()
        defer { blocker.close() }
        let blockerPID = try blocker.execute("select pg_backend_pid()")[0][0].int ?? 0
        let publishLock = SnapshotPublisher.publishLockKey(schema: "segflow")
        switch test.stage {
        case .extract: break
        case .publish: try blocker.execute("select pg_advisory_lock(\(publishLock))")
        case .backfill: break
        }

        let work = test.stage == .backfill
            ? ["backfill", "--from", "2025-07-31", "--to", Self.day, "--every", "month"]
            : ["run", "--as-of", Self.day]
        let running = try SegflowExecutable.start(
            work + ["-d", conninfo, "--pipeline", pipelineFile, "--workers", "2", "--retry-for", "0", "--log-format", "json"],
            launcher: test.pid1 ? ["/usr/bin/unshare", "--pid", "--fork", "--mount-proc"] : []
        )
        if test.stage == .backfill {
            // Let the first snapshot publish, then park the next one's publish.
            try waitUntil("the first snapshot is published", running) { try store.count("select count(*) from segflow.snapshots") >= 1 }
            try blocker.execute("select pg_advisory_lock(\(publishLock))")
        }
        if test.stage == .extract {
            try waitUntil("segflow extracts the sleeping chats", running) {
                try store.count("""
                    select count(*) from pg_stat_activity
                    where application_name = 'segflow' and datname = current_database() and wait_event = 'PgSleep'
                      and query ilike 'copy%'
                    """) >= 1
            }
        } else {
            try waitUntil("segflow waits for the test's lock", running) {
                try store.count("""
                    select count(*) from pg_locks l join pg_stat_activity a using (pid)
                    where not l.granted and a.application_name = 'segflow' and a.datname = current_database()
                    """) >= 1
            }
        }

        let sent = Date()
        #expect(running.send(test.signal), "segflow's pid not found")
        let outcome = try running.wait(timeout: 30)
        let elapsed = Date().timeIntervalSince(sent)
        let expectedCode = test.signal == SIGINT ? RunExitCode.interrupted : RunExitCode.terminated

        // Exited by itself with the stop's code, within the grace period, not by the watchdog.
        #expect(outcome.uncaughtSignal == nil, "\(outcome)")
        #expect(outcome.status == expectedCode, "\(outcome)")
        #expect(elapsed < 5, "took \(elapsed) s to stop")
        #expect(!outcome.standardError.contains("did not stop within the grace period"), "\(outcome)")
        let lines = outcome.standardError.split(separator: "\n")
        for line in lines {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil, "not JSON: \(line)")
        }
        #expect(outcome.standardError.contains("stop requested"), "\(outcome)")
        #expect(lines.last.map { $0.contains("\"level\":\"error\"") && $0.contains("stopped by SIG") } == true, "\(outcome)")

        // The test's locks go first; then no segflow session, hence no lock of segflow, is left.
        if test.stage != .extract { try blocker.execute("select pg_advisory_unlock_all()") }
        try waitUntil("segflow's sessions end", nil) {
            try store.count("""
                select count(*) from pg_stat_activity where application_name = 'segflow' and datname = current_database()
                and pid not in (pg_backend_pid(), \(blockerPID))
                """) == 0
        }
        #expect(try store.count("select count(*) from pg_locks where locktype = 'advisory' and database = (select oid from pg_database where datname = current_database())") == 0)

        // The ledger: nothing left running; what was published succeeded, everything else cancelled.
        let runs = try store.rows("select as_of::text, status, exit_code::text from segflow.runs where command in ('run', 'backfill') order by as_of")
        let published = Set(try store.rows("select as_of::text from segflow.snapshots").compactMap { $0[0] })
        #expect(!runs.isEmpty)
        #expect(!runs.contains { $0[1] == "running" }, "\(runs)")
        let succeeded = Set(runs.filter { $0[1] == "succeeded" }.compactMap { $0[0] })
        let cancelled = runs.filter { $0[1] == "cancelled" }
        #expect(succeeded == published, "ledger \(runs), published \(published)")
        #expect(!cancelled.isEmpty, "\(runs)")
        #expect(cancelled.allSatisfy { $0[2] == "\(expectedCode)" }, "\(runs)")
        #expect(runs.allSatisfy { $0[1] == "succeeded" || $0[1] == "cancelled" }, "\(runs)")
        if test.stage == .backfill {
            #expect(!published.isEmpty, "the first snapshot stays published")
        } else {
            #expect(published.isEmpty)
        }
        // No half snapshot: every published day has its rows, no other day has any.
        let featureDays = Set(try store.rows("select distinct as_of::text from segflow.customer_features").compactMap { $0[0] })
        #expect(featureDays == published)
    }

    private func waitUntil(_ what: String, _ running: SegflowExecutable.Running?, timeout: Double = 120,
                           _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try condition() { return }
            if let running, !running.isRunning {
                Issue.record("segflow ended before \(what): \(try running.wait(timeout: 1))")
                throw CancellationError()
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        Issue.record("timed out waiting until \(what)")
        throw CancellationError()
    }
}
