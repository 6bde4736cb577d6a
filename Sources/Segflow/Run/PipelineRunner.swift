import Foundation
import Logging
import PostgresClient

/// `segflow run`: one as-of snapshot from the sources to published output tables.
///
/// Checks the output schema, takes the pipeline's advisory lock (one run of a pipeline
/// at a time), records the run in the ledger, then extract → clean → join → features
/// (`SnapshotEngine`), segment (`SegmentAssigner`) and load (`SnapshotPublisher`, atomic
/// per as-of). A failure marks the run failed in the ledger and publishes nothing.
public struct PipelineRunner {
    public struct Options: Sendable {
        /// Dispatch workers for features and segments.
        public var workers: Int
        /// Seconds to wait for another run of the same pipeline; nil waits forever.
        public var lockTimeout: Double?

        public init(workers: Int = ProcessInfo.processInfo.activeProcessorCount, lockTimeout: Double? = 0) {
            self.workers = max(1, workers)
            self.lockTimeout = lockTimeout
        }
    }

    /// What a run did, for the command's summary.
    public struct Report: Sendable {
        public var runID: RunID
        public var asOf: PostgresDate
        public var customers: Int
        public var primarySegmentSizes: [(key: String, name: String, members: Int)]
        public var quarantine: [QuarantineLog]
        public var stageSeconds: [String: Double]
        public var publish: PublishReport
    }

    public let database: PostgresConfiguration
    public let pipeline: PipelineConfiguration
    public let options: Options
    public let logger: Logger

    public init(database: PostgresConfiguration, pipeline: PipelineConfiguration, options: Options = Options(), logger: Logger) {
        self.database = database
        self.pipeline = pipeline
        self.options = options
        self.logger = logger
    }

    /// The engine settings the pipeline file describes.
    public var engineSettings: SnapshotEngine.Settings {
        let cleaning = pipeline.cleaning
        return SnapshotEngine.Settings(
            timeZone: TimeZone(identifier: pipeline.timezone) ?? TimeZone(secondsFromGMT: 0) ?? .current,
            baseCurrency: pipeline.baseCurrency,
            sources: pipeline.sources,
            cleaning: CleaningRules(
                testCustomerIDs: Set(cleaning.testAccounts.customerIDs),
                testEmails: Set(cleaning.testAccounts.emails),
                testEmailDomains: Set(cleaning.testAccounts.emailDomains),
                validStatuses: Set(cleaning.validStatuses),
                maxOrderTotalCents: Int64((cleaning.maxOrderTotal * 100).rounded())
            ),
            workers: options.workers
        )
    }

    public func run(asOf: PostgresDate) throws -> Report {
        let schema = pipeline.output.schema
        var logger = self.logger
        logger[metadataKey: "as_of"] = "\(asOf)"
        let control = try PostgresConnection(database, logger: logger)
        _ = try SchemaMigrator.checkCompatible(connection: control, schema: schema)

        let lockKey = PostgresConnection.advisoryLockKey(for: "segflow:run:\(schema):\(pipeline.name)")
        guard try control.advisoryLock(lockKey, timeout: options.lockTimeout) else {
            throw PipelineLockedError(pipeline: pipeline.name, schema: schema, waited: options.lockTimeout)
        }
        defer { _ = try? control.advisoryUnlock(lockKey) }

        let ledger = RunLedger(connection: control, schema: schema, logger: logger)
        let runID = try ledger.start(RunStart(
            command: "run", pipeline: pipeline.name, pipelineFile: pipeline.file, asOf: asOf,
            configHash: pipeline.configHash, segflowVersion: SegflowVersion.current,
            host: ProcessInfo.processInfo.hostName, pid: ProcessInfo.processInfo.processIdentifier
        ))
        logger[metadataKey: "run_id"] = "\(runID)"
        do {
            let report = try execute(runID: runID, asOf: asOf, control: control, logger: logger)
            try ledger.finish(
                runID, status: .succeeded, exitCode: 0, timings: report.stageSeconds,
                rowCounts: Dictionary(uniqueKeysWithValues: report.quarantine.map { ("\($0.source)_in", $0.rowsIn) })
                    .merging(report.publish.rowCounts) { $1 },
                quarantineCounts: Dictionary(uniqueKeysWithValues: report.quarantine.map { ($0.source, $0.countsByReason) })
            )
            return report
        } catch {
            try? ledger.finish(runID, status: .failed, exitCode: 1, error: String(describing: error))
            throw error
        }
    }

    private func execute(runID: RunID, asOf: PostgresDate, control: PostgresConnection, logger: Logger) throws -> Report {
        let engine = SnapshotEngine(configuration: database, settings: engineSettings, logger: logger)
        var built: SnapshotEngine.Snapshot?
        let output = try engine.run(asOf: [asOf]) { built = $0 }
        guard let snapshot = built else {
            throw PostgresError(code: .invalidUsage, message: "the engine produced no snapshot")
        }
        var seconds = output.stageSeconds

        let segmentStart = Date()
        let assignment = SegmentAssigner(configuration: pipeline, workerCount: options.workers)
            .assign(columns: snapshot.features, asOf: Int(asOf.daysSince1970))
        seconds["segment"] = Date().timeIntervalSince(segmentStart)
        logger.info("segmented", metadata: ["memberships": "\(assignment.memberships.underestimatedCount)", "seconds": "\(String(format: "%.2f", seconds["segment"] ?? 0))"])

        let definitions = SegmentDefinitionRecord.records(from: assignment.segmentations)
        let memberships = assignment.memberships
        let publishStart = Date()
        let publisher = try SnapshotPublisher(connection: control, schema: pipeline.output.schema, logger: logger)
        let published = try publisher.publish(OutputSnapshot(
            asOf: asOf, runID: runID, configHash: pipeline.configHash, features: snapshot.features,
            segmentDefinitions: definitions, memberships: memberships,
            quarantine: output.quarantine.flatMap(\.records)
        ))
        seconds["load"] = Date().timeIntervalSince(publishStart)

        var sizes: [(key: String, name: String, members: Int)] = []
        if let primary = assignment.segmentations.first(where: \.isPrimary) {
            sizes = zip(primary.segments, primary.sizes).map { ($0.key, $0.name, $1) }
        }
        return Report(runID: runID, asOf: asOf, customers: snapshot.features.count, primarySegmentSizes: sizes,
                      quarantine: output.quarantine, stageSeconds: seconds, publish: published)
    }
}

/// Another run of the same pipeline holds the lock.
public struct PipelineLockedError: Error, CustomStringConvertible {
    public var pipeline: String
    public var schema: String
    public var waited: Double?

    public var description: String {
        let wait = waited.map { $0 > 0 ? " after waiting \(Int($0)) s" : "" } ?? ""
        return "another run of pipeline '\(pipeline)' into schema '\(schema)' is in progress\(wait); try again later or pass --lock-timeout"
    }
}
