import PostgresClient
import Segflow

/// A migrated schema `segflow` whose ledger holds a succeeded run as of 2026-06-30 (with its
/// snapshot), a failed run whose error names a password, and a running backfill, started
/// in that order; read by the ledger's tests and by `segflow status`'s table tests.
public struct LedgerFixture {
    public let connection: PostgresConnection
    public let succeeded: RunID
    public let failed: RunID
    public let running: RunID

    public static let asOf = PostgresDate(daysSince1970: 20_634)

    public static func make(_ prefix: String) throws -> LedgerFixture {
        let (_, connection) = try LoadTestDatabase.migrated(prefix)
        let ledger = RunLedger(connection: connection, logger: LoadTestDatabase.logger)
        let succeeded = try ledger.start(RunStart(command: "run", pipeline: "default", asOf: asOf, configHash: "abc123",
                                                  segflowVersion: "test"))
        try ledger.finish(succeeded, status: .succeeded, exitCode: RunExitCode.ok, timings: ["extract": 1.5],
                          rowCounts: ["orders_in": 1_000, "customers_in": 200, "customer_features": 190],
                          quarantineCounts: ["orders": ["duplicate": 3, "negative_amount": 2], "customers": ["test_account": 10]])
        try connection.execute("""
            insert into segflow.snapshots (as_of, run_id, config_hash, customers, memberships, quarantined)
            values (\(asOf), \(succeeded)::uuid, 'abc123', 190, 380, 15)
            """)
        let failed = try ledger.start(RunStart(command: "run", pipeline: "default", asOf: asOf, segflowVersion: "test"))
        try ledger.finish(failed, status: .failed, exitCode: RunExitCode.failure,
                          error: "connection to host=db password=Hunter2Secret failed\nsecond line")
        let running = try ledger.start(RunStart(command: "backfill", pipeline: "default", segflowVersion: "test"))
        // Distinct start times, oldest first, so the order is certain.
        try connection.execute("update segflow.runs set started_at = now() - interval '3 minutes', finished_at = now() - interval '1 minute' where run_id = \(succeeded)::uuid")
        try connection.execute("update segflow.runs set started_at = now() - interval '2 minutes' where run_id = \(failed)::uuid")
        return LedgerFixture(connection: connection, succeeded: succeeded, failed: failed, running: running)
    }
}
