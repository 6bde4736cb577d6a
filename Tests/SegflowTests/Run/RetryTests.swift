import Foundation
import LocalPostgres
import Logging
import PostgresClient
@testable import Segflow
@testable import SegflowCLI
@testable import SegflowGenerator
import SegflowTestSupport
import Testing

/// A server restart during extraction is survived by retrying; a server gone for longer than
/// --retry-for ends the run with the transient-failure error (exit 75) recorded in the ledger.
/// Each test starts a cluster of its own: it stops the server.
@Suite struct RetryTests {
    let endDay = GeneratorConfiguration.defaultEndDay

    @Test func aServerRestartDuringExtractionIsSurvivedByRetry() throws {
        let cluster = try LocalPostgresCluster.start(logger: RunTestStore.quietLogger)
        defer { cluster.stop() }
        let store = try RunTestStore.make("retry_restart", customers: 300, seed: 21, cluster: cluster)
        let recorder = RecordingLogHandler()
        let restarted = NSLock()
        nonisolated(unsafe) var didRestart = false
        recorder.onMessage = { message, metadata in
            // After the engine's first extraction phase: its connections die with the server.
            guard message == "extracted", case .string(let phase)? = metadata["phase"], phase.hasPrefix("products") else { return }
            let first = restarted.withLock { () -> Bool in
                defer { didRestart = true }
                return !didRestart
            }
            if first { try? cluster.restart() }
        }
        let report = try store.runner(try RunTestStore.pipeline(), retryFor: 120, logger: recorder.logger).run(asOf: endDay)
        #expect(restarted.withLock { didRestart })
        #expect(report.customers > 0)
        #expect(recorder.messages("transient failure; retrying").count >= 1)
        #expect(try store.rows("select status, exit_code::text from segflow.runs") == [["succeeded", "0"]])
        #expect(try store.count("select count(*) from segflow.snapshots") == 1)
    }

    @Test func aServerGoneForLongerEndsWithExit75AndTheLedgerSaysWhy() throws {
        let cluster = try LocalPostgresCluster.start(logger: RunTestStore.quietLogger)
        defer { cluster.stop() }
        let store = try RunTestStore.make("retry_gone", customers: 300, seed: 22, cluster: cluster)
        let recorder = RecordingLogHandler()
        let stopped = NSLock()
        nonisolated(unsafe) var didStop = false
        recorder.onMessage = { message, metadata in
            guard message == "extracted", case .string(let phase)? = metadata["phase"], phase.hasPrefix("products") else { return }
            let first = stopped.withLock { () -> Bool in
                defer { didStop = true }
                return !didStop
            }
            guard first else { return }
            try? cluster.stopServer()
            // Back well after the 2 s retry window, so the run gives up first, then records why.
            DispatchQueue.global().asyncAfter(deadline: .now() + 8) { try? cluster.startServer() }
        }
        let started = Date()
        let error = #expect(throws: TransientFailureError.self) {
            try store.runner(try RunTestStore.pipeline(), retryFor: 2, logger: recorder.logger).run(asOf: endDay)
        }
        #expect(error.map(RunExitCode.code(for:)) == 75)
        #expect(Date().timeIntervalSince(started) >= 2)
        #expect(recorder.messages("transient failure; retrying").count >= 1)
        let rows = try store.rows("select status, exit_code::text, error from segflow.runs")
        #expect(rows.count == 1)
        #expect(rows.first?[0] == "failed" && rows.first?[1] == "75")
        #expect(rows.first?[2]?.contains("gave up after") == true)
        #expect(try store.count("select count(*) from segflow.snapshots") == 0)
    }

    @Test func transientErrorsAreTheOnesWorthRetrying() {
        #expect(RetryPolicy.isTransient(PostgresError(code: .connectionFailed, message: "connection refused")))
        for state in ["57P01", "40001", "40P01", "08006"] {
            #expect(RetryPolicy.isTransient(PostgresError(code: .server, message: "x", sqlState: state)))
        }
        #expect(!RetryPolicy.isTransient(PostgresError(code: .connectionFailed, message: "FATAL: password authentication failed for user \"x\"")))
        #expect(!RetryPolicy.isTransient(PostgresError(code: .server, message: "syntax error", sqlState: "42601")))
        #expect(!RetryPolicy.isTransient(QualityGateError(breaches: [])))
    }

    @Test func retriesStopAfterTheBound() throws {
        var silent = RunTestStore.quietLogger
        silent.logLevel = .error
        var attempts = 0
        let started = Date()
        #expect(throws: TransientFailureError.self) {
            try RetryPolicy(retryFor: 1, initialDelay: 0.1, maxDelay: 0.2).run(logger: silent) { _ in
                attempts += 1
                throw PostgresError(code: .server, message: "terminating connection due to administrator command", sqlState: "57P01")
            }
        }
        #expect(attempts >= 3)
        #expect(Date().timeIntervalSince(started) < 5)
        // 0 disables retries: the error itself comes back, after one attempt.
        attempts = 0
        #expect(throws: PostgresError.self) {
            try RetryPolicy(retryFor: 0).run(logger: silent) { _ in
                attempts += 1
                throw PostgresError(code: .connectionFailed, message: "connection refused")
            }
        }
        #expect(attempts == 1)
    }
}
