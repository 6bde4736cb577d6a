import Foundation
import PostgresClient
import SegflowTestSupport
import Testing
@testable import SegflowPublish

@Suite struct RunLedgerTests {
    @Test func aSucceededRunRecordsItsStagesCountsAndFinish() throws {
        let (database, connection) = try LoadTestDatabase.migrated("ledger_ok")
        let ledger = RunLedger(configuration: PostgresConfiguration(connectionString: database.connectionString), logger: LoadTestDatabase.logger)
        let runID = try ledger.start(RunStart(
            command: "run", pipeline: "shop", pipelineFile: "pipelines/shop.yaml",
            asOf: .day("2024-01-31"), configHash: "abc", segflowVersion: "1.2.3", host: "test-host", pid: 4242
        ))
        #expect(try connection.texts("select status, finished_at, exit_code from segflow.runs") == [["running", nil, nil]])

        try ledger.recordStage(runID, stage: "extract", seconds: 1.5, rows: 1000)
        try ledger.recordStage(runID, stage: "features", seconds: 0.25)
        try ledger.finish(
            runID, status: .succeeded, exitCode: 0,
            timings: ["publish": 2.0], rowCounts: ["customer_features": 10],
            quarantineCounts: ["orders": ["duplicate": 3, "orphan_customer": 1], "customers": ["missing_key": 2]]
        )
        let row = try connection.texts("""
            select run_id::text, command, pipeline, pipeline_file, as_of, config_hash, segflow_version, status, exit_code,
                   finished_at >= started_at, stage_timings::text, row_counts::text, quarantine_counts::text, error, host, pid
            from segflow.runs
            """)
        #expect(row == [[
            runID.description, "run", "shop", "pipelines/shop.yaml", "2024-01-31", "abc", "1.2.3", "succeeded", "0", "t",
            #"{"extract": 1.5, "publish": 2.0, "features": 0.25}"#,
            #"{"extract": 1000, "customer_features": 10}"#,
            #"{"orders": {"duplicate": 3, "orphan_customer": 1}, "customers": {"missing_key": 2}}"#,
            nil, "test-host", "4242",
        ]])
    }

    @Test func theLedgerRecordsARunWhosePublishWasKilled() throws {
        let (database, connection) = try LoadTestDatabase.migrated("ledger_failed")
        let ledger = RunLedger(configuration: PostgresConfiguration(connectionString: database.connectionString), logger: LoadTestDatabase.logger)
        let runID = try ledger.start(RunStart(command: "run", pipeline: "shop", asOf: .day("2024-01-31"), segflowVersion: "test"))

        // The publish's connection dies in the middle of its transaction.
        let victim = try database.connect()
        let pid = try #require(try victim.execute("select pg_backend_pid()")[0][0].int)
        try victim.simpleQuery("begin; create table segflow.half_done (x int)")
        try connection.execute("select pg_terminate_backend(\(pid))")
        let error = #expect(throws: PostgresError.self) { try victim.simpleQuery("insert into segflow.half_done values (1)") }

        try ledger.recordStage(runID, stage: "extract", seconds: 0.5)
        try ledger.finish(
            runID, status: .failed, exitCode: 3,
            error: "publish failed: \(error?.description ?? "?") (postgresql://segflow:hunter2@db/shop, password=hunter2)"
        )
        let row = try #require(try connection.texts("select status, exit_code, finished_at is not null, error, stage_timings::text from segflow.runs").first)
        #expect(row[0] == "failed" && row[1] == "3" && row[2] == "t")
        let text = try #require(row[3])
        #expect(text.hasPrefix("publish failed: "))
        #expect(!text.contains("hunter2"), "\(text)")
        #expect(text.contains("postgresql://segflow:***@db/shop") && text.contains("password=***"))
        #expect(row[4] == #"{"extract": 0.5}"#)
        // Nothing of the killed transaction remains.
        #expect(try connection.execute("select to_regclass('segflow.half_done') is null")[0][0].bool == true)
    }

    @Test func theLedgerReconnectsAfterItsConnectionIsCut() throws {
        let (database, connection) = try LoadTestDatabase.migrated("ledger_reconnect")
        let ledger = RunLedger(configuration: PostgresConfiguration(connectionString: database.connectionString, applicationName: "ledger-test"), logger: LoadTestDatabase.logger)
        let runID = try ledger.start(RunStart(command: "run", segflowVersion: "test"))
        try connection.execute("select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'ledger-test'")
        try ledger.finish(runID, status: .failed, exitCode: 1, error: "boom")
        #expect(try connection.texts("select status, error from segflow.runs") == [["failed", "boom"]])
    }

    @Test func finishingAnUnknownRunIsAnError() throws {
        let (_, connection) = try LoadTestDatabase.migrated("ledger_unknown")
        let ledger = RunLedger(connection: connection, logger: LoadTestDatabase.logger)
        #expect(throws: UnknownRunError.self) { try ledger.finish(RunID(), status: .succeeded, exitCode: 0) }
        #expect(throws: UnknownRunError.self) { try ledger.recordStage(RunID(), stage: "x", seconds: 1) }
    }

    @Test func redactionMasksPasswordsInEveryForm() {
        #expect(RunLedger.redact("host=db password=s3cret user=x") == "host=db password=*** user=x")
        #expect(RunLedger.redact("PASSWORD = 'a b\\' c' dbname=x") == "PASSWORD = *** dbname=x")
        #expect(RunLedger.redact("postgres://u:p%40ss@h:5432/d?sslmode=require") == "postgres://u:***@h:5432/d?sslmode=require")
        #expect(RunLedger.redact("postgresql://h/d?user=u&password=pw&x=1") == "postgresql://h/d?user=u&password=***&x=1")
        #expect(RunLedger.redact("nothing secret") == "nothing secret")
        #expect(RunLedger.redact(String(repeating: "x", count: 10_000)).count == 8_001)
    }
}
