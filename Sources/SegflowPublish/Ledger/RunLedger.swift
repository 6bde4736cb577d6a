import Foundation
import Logging
import PostgresClient
import SegflowEngine

/// Records runs in the output schema's `runs` table.
///
/// Every call is one autocommitted statement, so a run that fails later still leaves
/// its `running` row, and `finish(…, status: .failed)` can record the failure. Give the
/// ledger a connection of its own (`init(configuration:…)`): a connection whose
/// publish was killed cannot write anything, and one inside a failed transaction
/// would roll the ledger row back with it. The owned connection is reopened once when
/// it breaks.
public final class RunLedger {
    public let schema: String
    private let logger: Logger
    private let configuration: PostgresConfiguration?
    private var connection: PostgresConnection?

    /// Uses `connection` as it is (tests, single-connection tools).
    public init(connection: PostgresConnection, schema: String = "segflow", logger: Logger) {
        self.connection = connection
        self.configuration = nil
        self.schema = schema
        self.logger = logger
    }

    /// Opens a connection of its own when first needed.
    public init(configuration: PostgresConfiguration, schema: String = "segflow", logger: Logger) {
        self.connection = nil
        self.configuration = configuration
        self.schema = schema
        self.logger = logger
    }

    /// Inserts a `running` row and returns its id. Refuses an output schema this build
    /// does not match (`SchemaMigrator.checkCompatible`), so every command that records
    /// a run refuses a schema newer than it understands.
    public func start(_ run: RunStart) throws -> RunID {
        let runID = RunID()
        try withConnection { connection in
            try SchemaMigrator.checkCompatible(connection: connection, schema: schema)
            try connection.execute("""
                insert into \(identifier: schema).runs
                    (run_id, command, pipeline, pipeline_file, as_of, config_hash, segflow_version, status, host, pid, batch_id)
                values (\(runID)::uuid, \(run.command), \(run.pipeline), \(run.pipelineFile), \(run.asOf),
                        \(run.configHash), \(run.segflowVersion), 'running', \(run.host), \(run.pid), \(run.batchID)::uuid)
                """)
        }
        logger.info("run started", metadata: ["run_id": .string(runID.description), "command": .string(run.command)])
        return runID
    }

    /// Records a run that ended before it started any work (refused because another run
    /// holds the pipeline's lock) as one finished row, so the ledger says why it did not run.
    /// One statement: no `running` row is ever left for a run that never ran.
    @discardableResult
    public func recordRefused(_ run: RunStart, exitCode: Int32, error: String) throws -> RunID {
        let runID = RunID()
        try withConnection { connection in
            try SchemaMigrator.checkCompatible(connection: connection, schema: schema)
            try connection.execute("""
                insert into \(identifier: schema).runs
                    (run_id, command, pipeline, pipeline_file, as_of, config_hash, segflow_version, status, host, pid, batch_id,
                     exit_code, finished_at, error)
                values (\(runID)::uuid, \(run.command), \(run.pipeline), \(run.pipelineFile), \(run.asOf),
                        \(run.configHash), \(run.segflowVersion), 'failed', \(run.host), \(run.pid), \(run.batchID)::uuid,
                        \(exitCode), now(), \(Self.redact(error)))
                """)
        }
        logger.info("run refused", metadata: ["run_id": .string(runID.description), "exit_code": .stringConvertible(exitCode)])
        return runID
    }

    /// Which of `runs` have a published snapshot: a publish whose commit reached the server
    /// even though its answer was lost with the connection.
    public func publishedRuns(_ runs: [RunID]) throws -> Set<RunID> {
        guard !runs.isEmpty else { return [] }
        let ids = "{" + runs.map(\.description).joined(separator: ",") + "}"
        return try withConnection { connection in
            let result = try connection.execute("""
                select run_id::text from \(identifier: schema).snapshots where run_id = any(\(ids)::uuid[])
                """)
            return Set(result.rows.compactMap { $0[0].string.flatMap { RunID($0) } })
        }
    }

    /// Adds one stage's time (and rows) to a running run, so that a run killed later
    /// still shows how far it got.
    public func recordStage(_ runID: RunID, stage: String, seconds: Double, rows: Int? = nil) throws {
        try withConnection { connection in
            let updated = try connection.execute("""
                update \(identifier: schema).runs
                set stage_timings = stage_timings || jsonb_build_object(\(stage)::text, \(JSONText.number(seconds))::jsonb),
                    row_counts = case when \(rows)::int8 is null then row_counts
                                      else row_counts || jsonb_build_object(\(stage)::text, \(rows)::int8) end
                where run_id = \(runID)::uuid
                """).affectedRows
            guard updated == 1 else { throw UnknownRunError(runID: runID) }
        }
    }

    /// Marks the run finished. Timings and row counts are merged into what
    /// `recordStage` recorded; `error` is stored with anything that looks like a
    /// password masked, though callers must already pass redacted text.
    public func finish(
        _ runID: RunID,
        status: RunStatus,
        exitCode: Int32,
        timings: [String: Double] = [:],
        rowCounts: [String: Int] = [:],
        quarantineCounts: [String: [String: Int]] = [:],
        error: String? = nil
    ) throws {
        precondition(status != .running, "finish needs a final status")
        let errorText = error.map(Self.redact)
        try withConnection { connection in
            let updated = try connection.execute("""
                update \(identifier: schema).runs
                set status = \(status.rawValue),
                    exit_code = \(exitCode),
                    finished_at = now(),
                    stage_timings = stage_timings || \(JSONText.object(timings))::jsonb,
                    row_counts = row_counts || \(JSONText.object(rowCounts))::jsonb,
                    quarantine_counts = \(JSONText.object(quarantineCounts))::jsonb,
                    error = \(errorText)
                where run_id = \(runID)::uuid
                """).affectedRows
            guard updated == 1 else { throw UnknownRunError(runID: runID) }
        }
        // A failure is logged as one, with its reason under `error` (docs/operations.md).
        var metadata: Logger.Metadata = [
            "run_id": .string(runID.description), "status": .string(status.rawValue), "exit_code": .stringConvertible(exitCode),
        ]
        if let errorText { metadata["error"] = .string(errorText) }
        let level: Logger.Level = switch status {
        case .succeeded, .running: .info
        case .cancelled: .warning
        case .failed, .gateFailed: .error
        }
        logger.log(level: level, "run finished", metadata: metadata)
    }

    /// Closes the rows a killed process left `running` for this pipeline. Call only while
    /// holding the pipeline's lock: then no other run of it is in progress. A row whose
    /// snapshot was published (the process died between publishing and recording it) is
    /// marked succeeded; the others failed, as interrupted. Returns how many were closed.
    @discardableResult
    public func closeInterrupted(pipeline: String, commands: [String] = ["run", "backfill"]) throws -> Int {
        try withConnection { connection in
            let published = try connection.execute("""
                update \(identifier: schema).runs r
                set status = 'succeeded', exit_code = 0, finished_at = now(),
                    error = 'the process ended after publishing, before recording it; closed by a later run'
                where r.status = 'running' and r.pipeline = \(pipeline)
                  and exists (select 1 from \(identifier: schema).snapshots s where s.run_id = r.run_id)
                """).affectedRows
            var interrupted = 0
            for command in commands {
                interrupted += try connection.execute("""
                    update \(identifier: schema).runs
                    set status = 'failed', finished_at = now(),
                        error = 'interrupted: the process ended without finishing (killed?); closed by a later run'
                    where status = 'running' and pipeline = \(pipeline) and command = \(command)
                    """).affectedRows
            }
            if published + interrupted > 0 {
                logger.warning("closed runs left running by an ended process", metadata: [
                    "published": "\(published)", "interrupted": "\(interrupted)",
                ])
            }
            return published + interrupted
        }
    }

    /// Masks `password=…` pairs and the password of `scheme://user:password@host`, and
    /// caps the length: the ledger is read by anyone with access to the dashboards.
    static func redact(_ text: String) -> String {
        let result = SecretMasking.redactPasswords(text)
        let limit = 8_000
        return result.count > limit ? String(result.prefix(limit)) + "…" : result
    }

    private func withConnection<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        guard let configuration else {
            guard let connection else { throw EngineInvariantError("the ledger has no connection") }
            return try body(connection)
        }
        if connection?.isOpen != true {
            connection = try PostgresConnection(configuration, logger: logger)
        }
        guard let current = connection else { throw EngineInvariantError("the ledger has no connection") }
        do {
            return try body(current)
        } catch let error as PostgresError where error.code == .connectionFailed {
            // The server restarted or the connection was cut (over TCP or a Unix socket,
            // `PostgresError` classifies both as connectionFailed): one fresh try.
            logger.warning("ledger connection lost; reconnecting", metadata: ["error": .string(error.description)])
            let fresh = try PostgresConnection(configuration, logger: logger)
            connection = fresh
            return try body(fresh)
        }
    }
}
