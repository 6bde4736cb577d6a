import Foundation
import Logging
import PostgresClient
import SegflowEngine
import SegflowPipelineFile
import SegflowPublish
import SegflowRules

/// What `run` and `backfill` share: take the pipeline's lock, skip days already published
/// with the same configuration (unless forced), and per batch of days check the freshness
/// gates, extract once, check the quarantine gates, then segment and publish each snapshot
/// atomically as the engine hands it over. Transient failures restart the attempt from
/// extraction, for the days not yet published, within `Options.retryFor`.
///
/// Ledger: one `runs` row per as-of day (`command` run or backfill; a backfill's rows share
/// `batch_id`), started when its batch starts, finished as its snapshot is published, or
/// marked `gate_failed` (exit 65) / `failed` (exit 75 or 1) with the reason, or `cancelled`
/// (exit 143 or 130) when `RunStop` stopped it.
///
/// Quarantine: the engine cleans a batch once, with rows up to the batch's latest cut-off.
/// That quarantine (rows and counts) is published with the batch's latest snapshot, whose
/// cut-off it matches; earlier snapshots of the batch publish none.
struct SnapshotJob {
    let runner: PipelineRunner
    let command: String
    let force: Bool
    let batches: [[PostgresDate]]
    var progress: (BackfillProgress) -> Void = { _ in }

    struct Outcome {
        var batchID: RunID?
        var skipped: [PostgresDate]
        var published: [PipelineRunner.Report]
    }

    private var pipeline: PipelineConfiguration { runner.pipeline }
    private var schema: String { pipeline.output.schema }

    func execute() throws -> Outcome {
        let batchID: RunID? = command == "run" ? nil : RunID()
        var logger = runner.logger
        if let batchID { logger[metadataKey: "batch_id"] = "\(batchID)" }
        // The ledger records a stop, so RunStop's cancel-all leaves its connection alone.
        var ledgerDatabase = runner.database
        ledgerDatabase.cancelledByCancelAll = false
        let ledger = RunLedger(configuration: ledgerDatabase, schema: schema, logger: logger)
        let state = State()
        let days = batches.flatMap { $0 }
        let started = Date()

        do {
            try RetryPolicy(retryFor: runner.options.retryFor).run(logger: logger) { attempt in
                let control = try PostgresConnection(runner.database, logger: logger)
                defer { control.close() }
                _ = try SchemaMigrator.checkCompatible(connection: control, schema: schema)
                if !state.sourcesChecked {
                    // validate's source checks, before any ledger row: a bad mapping is exit 2 at file:line:column.
                    try PipelineValidator(logger: logger).checkSources(of: pipeline, database: runner.database,
                                                                       lockTimeout: runner.options.tableLockTimeout)
                    state.sourcesChecked = true
                }
                guard try control.advisoryLock(runner.lockKey, timeout: runner.options.lockTimeout) else {
                    throw PipelineLockedError(pipeline: pipeline.name, schema: schema, waited: runner.options.lockTimeout)
                }
                defer { _ = try? control.advisoryUnlock(runner.lockKey) }
                // Every lock wait of the publish (output tables, the publish and schema locks) is bounded.
                try control.setLockTimeout(seconds: runner.options.tableLockTimeout)
                state.recordPublished(ledger: ledger, patience: 0, logger: logger)
                if state.skipped == nil {
                    try ledger.closeInterrupted(pipeline: pipeline.name)
                    let skipped = force ? [] : try publishedDays(control, days)
                    state.skipped = skipped
                    if !skipped.isEmpty {
                        logger.info("skipping days already published with this configuration", metadata: [
                            "stage": "backfill", "skipped": "\(skipped.count)", "config_hash": "\(pipeline.configHash)",
                        ])
                    }
                }
                let skip = Set(state.skipped ?? [])
                progress(state.progress(total: days.count, started: started))
                if attempt.number > 1 {
                    logger.info("attempt restarts from extraction", metadata: ["attempt": "\(attempt.number)", "stage": "backfill"])
                }
                for batch in batches {
                    let pending = batch.filter { !skip.contains($0) && !state.done.contains($0) }
                    guard !pending.isEmpty else { continue }
                    for day in pending where state.runIDs[day] == nil {
                        state.runIDs[day] = try ledger.start(RunStart(
                            command: command, pipeline: pipeline.name, pipelineFile: pipeline.file, asOf: day,
                            configHash: pipeline.configHash, segflowVersion: SegflowVersion.current, batchID: batchID
                        ))
                    }
                    try runBatch(pending, control: control, state: state, logger: logger) { report in
                        state.done.insert(report.asOf)
                        state.published.append(report)
                        attempt.progressed()
                        // Published is published: a ledger write that fails now (the server
                        // restarting) is retried later and never fails the run.
                        state.unrecorded.append(report)
                        state.recordPublished(ledger: ledger, patience: 0, logger: logger)
                        progress(state.progress(total: days.count, started: started))
                    }
                }
            }
        } catch {
            let code = RunExitCode.code(for: error)
            let stop = RunStop.requested
            let status = RunStatus(failureExitCode: code)
            let reason = stop.map { "cancelled: stopped by \($0.reason)" } ?? String(describing: error)
            state.recordPublished(ledger: ledger, patience: 30, logger: logger)
            if error is PipelineLockedError, state.runIDs.isEmpty, let first = days.first {
                // Refused before any work: one finished row says so (for a backfill, at its first day).
                do {
                    try ledger.recordRefused(RunStart(
                        command: command, pipeline: pipeline.name, pipelineFile: pipeline.file, asOf: first,
                        configHash: pipeline.configHash, segflowVersion: SegflowVersion.current, batchID: batchID
                    ), exitCode: code, error: String(describing: error))
                } catch {
                    logger.error("could not record the refused run in the run ledger", metadata: ["error": "\(error)"])
                }
            }
            var unfinished = state.runIDs.filter { !state.done.contains($0.key) }.sorted { $0.key < $1.key }.map(\.value)
            // A publish whose commit reached the server although its answer was lost: succeeded.
            if let committed = try? ledger.publishedRuns(unfinished), !committed.isEmpty {
                unfinished.removeAll(where: committed.contains)
                for runID in committed.sorted(by: { $0.description < $1.description }) {
                    _ = try? ledger.finish(runID, status: .succeeded, exitCode: RunExitCode.ok,
                                           error: "published; the connection was lost before segflow heard of the commit")
                }
            }
            if !unfinished.isEmpty {
                recordFailure(ledger: ledger, runs: unfinished, status: status, exitCode: code,
                              error: reason, patient: code == RunExitCode.temporary, logger: logger)
            }
            throw error
        }
        state.recordPublished(ledger: ledger, patience: 30, logger: logger)
        return Outcome(batchID: batchID, skipped: state.skipped ?? [], published: state.published)
    }

    /// Marks the runs finished with the failure. After a transient failure the server may
    /// still be away: keep trying for a while so the ledger says why.
    private func recordFailure(ledger: RunLedger, runs: [RunID], status: RunStatus, exitCode: Int32, error: String,
                               patient: Bool, logger: Logger) {
        let deadline = Date().addingTimeInterval(patient ? 30 : 0)
        var remaining = runs
        while true {
            remaining = remaining.filter { runID in
                (try? ledger.finish(runID, status: status, exitCode: exitCode, error: error)) == nil
            }
            if remaining.isEmpty || Date() >= deadline { break }
            Thread.sleep(forTimeInterval: 1)
        }
        if !remaining.isEmpty {
            logger.error("could not record the failure in the run ledger", metadata: ["runs": "\(remaining.count)", "error": "\(error)"])
        }
    }

    /// Days of `days` already in `<schema>.snapshots` with this configuration's hash.
    private func publishedDays(_ connection: PostgresConnection, _ days: [PostgresDate]) throws -> [PostgresDate] {
        guard let first = days.min(), let last = days.max() else { return [] }
        let result = try connection.execute("""
            select as_of::text from \(identifier: schema).snapshots
            where config_hash = \(pipeline.configHash) and as_of between \(first) and \(last)
            """)
        let published = Set(result.rows.compactMap { $0[0].string.flatMap { PostgresDate(iso: $0) } })
        return days.filter(published.contains)
    }

    /// Gates, one extraction, and segment + publish of each snapshot as it arrives.
    private func runBatch(_ days: [PostgresDate], control: PostgresConnection, state: State, logger: Logger,
                          published: (PipelineRunner.Report) throws -> Void) throws {
        let gates = QualityGateCheck(pipeline: pipeline, logger: logger)
        // Read-only: the gate reads through the mappings, which must never write.
        try control.transaction(readOnly: true) { try gates.checkFreshness(connection: control, days: days) }

        let engine = SnapshotEngine(configuration: runner.database, settings: runner.engineSettings, logger: logger)
        var held: SnapshotEngine.Snapshot?
        var handedOver = Date()
        let summary = try engine.run(asOf: days) { snapshot in
            // The clean counts come with every snapshot; gate on them before the first publish.
            if snapshot.index == 0 {
                try gates.checkCounts(snapshot.quarantine.map(SourceCounts.init), days: days)
            }
            let features = Date().timeIntervalSince(handedOver)
            if snapshot.index < days.count - 1 {
                // Rows read per source (the ledger's <source>_in); rejections go with the last snapshot.
                let counts = snapshot.quarantine.map { extracted -> QuarantineLog in
                    var log = QuarantineLog(source: extracted.source)
                    log.receive(count: extracted.rowsIn)
                    return log
                }
                try published(try publish(snapshot, quarantine: counts, records: [], seconds: ["features": features],
                                          upcoming: Set(days.filter { $0 > snapshot.asOf }),
                                          runID: state.runID(snapshot.asOf), control: control, logger: logger))
            } else {
                held = snapshot
            }
            handedOver = Date()
        }
        guard let last = held else {
            throw EngineInvariantError("the engine produced no snapshot for \(days.last.map { "\($0)" } ?? "?")")
        }
        try published(try publish(last, quarantine: summary.quarantine, records: summary.quarantine.flatMap(\.records),
                                  seconds: summary.stageSeconds, runID: state.runID(last.asOf), control: control, logger: logger))
    }

    /// Fits the models on one snapshot, segments it and publishes it atomically.
    private func publish(_ snapshot: SnapshotEngine.Snapshot, quarantine: [QuarantineLog], records: [QuarantineRecord],
                         seconds engineSeconds: [String: Double], upcoming: Set<PostgresDate> = [], runID: RunID, control: PostgresConnection,
                         logger: Logger) throws -> PipelineRunner.Report {
        var logger = logger
        logger[metadataKey: "as_of"] = "\(snapshot.asOf)"
        logger[metadataKey: "run_id"] = "\(runID)"
        var seconds = engineSeconds
        let asOf = snapshot.asOf
        // The model stage fills the prediction features that rules and the publisher read.
        var features = snapshot.features
        let models = ModelStage(settings: pipeline.models, minimizer: runner.options.modelMinimizer)
            .run(&features, asOf: asOf, logger: logger)
        seconds["models"] = models.seconds

        let segmentStart = Date()
        // Clusters start from the last snapshot's centroids when their configuration is unchanged.
        let previousClusters = try SnapshotPublisher.previousClusters(
            connection: control, schema: schema, asOf: asOf, configHashes: pipeline.clusterConfigHashes)
        let assignment = SegmentAssigner(configuration: pipeline, workerCount: runner.options.workers)
            .assign(columns: features, asOf: Int(asOf.daysSince1970), previousClusters: previousClusters)
        seconds["segment"] = Date().timeIntervalSince(segmentStart)
        logger.info("segmented", metadata: [
            "stage": "segment", "memberships": "\(assignment.membershipCount)",
            "seconds": "\(String(format: "%.2f", seconds["segment"] ?? 0))",
        ])
        for clusters in assignment.clusters {
            logger.info("clustered", metadata: [
                "stage": "segment", "segmentation": "\(clusters.segmentationKey)", "k": "\(clusters.fit.k)",
                "clustered": "\(clusters.fit.clustered)", "iterations": "\(clusters.fit.iterations)",
                "converged": "\(clusters.fit.converged)", "warm_start": "\(clusters.fit.warmStart)",
                "silhouette": "\(clusters.fit.silhouette.map { String(format: "%.3f", $0) } ?? "none")",
            ])
        }

        let clusterProfiles = ClusterProfileRecord.records(from: assignment.clusters)
        let publishStart = Date()
        let report: PublishReport
        do {
            report = try LockWaitMonitor.watching([control.backendPID], what: "publish \(asOf)", configuration: runner.database,
                                                  logger: logger, interval: LockWaitMonitor.interval(runner.options.tableLockTimeout)) {
                let publisher = try SnapshotPublisher(connection: control, schema: schema, logger: logger)
                return try publisher.publish(OutputSnapshot(
                    asOf: asOf, runID: runID, configHash: pipeline.configHash, features: features,
                    segmentDefinitions: SegmentDefinitionRecord.records(from: assignment.segmentations),
                    memberships: assignment.memberships, quarantine: records, upcoming: upcoming, modelFits: models.fits,
                    clusterProfiles: clusterProfiles
                ))
            }
        } catch {
            throw LockWaitTimeoutError.wrapping(error, waiting: "publishing snapshot \(asOf)", seconds: runner.options.tableLockTimeout)
        }
        seconds["load"] = Date().timeIntervalSince(publishStart)

        var sizes: [(key: String, name: String, members: Int)] = []
        if let primary = assignment.segmentations.first(where: \.isPrimary) {
            sizes = zip(primary.segments, primary.sizes).map { ($0.key, $0.name, $1) }
        }
        return PipelineRunner.Report(runID: runID, asOf: asOf, customers: features.count, primarySegmentSizes: sizes,
                                     quarantine: quarantine, stageSeconds: seconds, publish: report, modelFits: models.fits,
                                     clusterProfiles: clusterProfiles)
    }

    /// Progress across attempts (a retry keeps what earlier attempts published).
    private final class State {
        var skipped: [PostgresDate]?
        var sourcesChecked = false
        var done: Set<PostgresDate> = []
        var runIDs: [PostgresDate: RunID] = [:]
        var published: [PipelineRunner.Report] = []
        /// Published snapshots whose ledger row is not yet marked succeeded.
        var unrecorded: [PipelineRunner.Report] = []

        /// Marks the published runs succeeded in the ledger; what cannot be written now is
        /// kept for a later call. With `patience`, keeps trying that many seconds (the server
        /// may be restarting), then logs what is left: the snapshots stay published either way.
        func recordPublished(ledger: RunLedger, patience: Double, logger: Logger) {
            let deadline = Date().addingTimeInterval(patience)
            while !unrecorded.isEmpty {
                do {
                    let report = unrecorded[0]
                    try ledger.finish(
                        report.runID, status: .succeeded, exitCode: RunExitCode.ok, timings: report.stageSeconds,
                        rowCounts: Dictionary(report.quarantine.map { ("\($0.source)_in", $0.rowsIn) }, uniquingKeysWith: { $1 })
                            .merging(report.publish.rowCounts) { $1 },
                        quarantineCounts: Dictionary(report.quarantine.map { ($0.source, $0.countsByReason) }, uniquingKeysWith: { $1 })
                    )
                    unrecorded.removeFirst()
                } catch {
                    guard Date() < deadline else {
                        logger.warning("published, but could not record it in the run ledger yet", metadata: [
                            "runs": "\(unrecorded.count)", "error": "\(error)",
                        ])
                        return
                    }
                    Thread.sleep(forTimeInterval: 1)
                }
            }
        }

        func runID(_ day: PostgresDate) throws -> RunID {
            guard let runID = runIDs[day] else { throw EngineInvariantError("no ledger row for \(day)") }
            return runID
        }

        func progress(total: Int, started: Date) -> BackfillProgress {
            BackfillProgress(total: total, skipped: skipped?.count ?? 0, published: done.count,
                             elapsed: Date().timeIntervalSince(started), lastAsOf: published.last?.asOf)
        }
    }
}

/// How far a backfill (or run) got, after each published snapshot.
public struct BackfillProgress: Sendable {
    public var total: Int
    public var skipped: Int
    public var published: Int
    /// Seconds since the command started.
    public var elapsed: Double
    public var lastAsOf: PostgresDate?

    public var remaining: Int { max(0, total - skipped - published) }
    /// Snapshots per second so far; nil before the first.
    public var rate: Double? { published > 0 && elapsed > 0 ? Double(published) / elapsed : nil }
    /// Seconds left at the rate so far.
    public var eta: Double? { rate.map { Double(remaining) / $0 } }
}
