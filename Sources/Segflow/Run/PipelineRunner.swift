import Foundation
import Logging
import PostgresClient
import SegflowEngine
import SegflowModels
import SegflowPipelineFile
import SegflowPublish

/// `segflow run`: one as-of snapshot from the sources to published output tables.
///
/// Checks the output schema, takes the pipeline's advisory lock (one run of a pipeline
/// at a time), records the run in the ledger, checks the quality gates, then extract →
/// clean → join → features (`SnapshotEngine`), models (`ModelStage`), segment (`SegmentAssigner`) and load
/// (`SnapshotPublisher`, atomic per as-of); transient failures are retried. The work is
/// `SnapshotJob`'s, shared with `BackfillRunner`. A failure marks the run failed (or
/// gate_failed) in the ledger and publishes nothing.
public struct PipelineRunner {
    public struct Options: Sendable {
        /// Dispatch workers for features and segments.
        public var workers: Int
        /// Seconds to wait for another run of the same pipeline; nil waits forever.
        public var lockTimeout: Double?
        /// Seconds to keep retrying transient failures (see `RetryPolicy`); 0 disables retries.
        public var retryFor: Double
        /// Seconds any one statement may wait for a lock on a source or output table before
        /// the run gives up with exit 75 (`lock_timeout` on the extraction and publish sessions).
        public var tableLockTimeout: Double
        /// The optimiser of the model stage's fits (the documented convergence test); tests lower its
        /// iteration limit to see a fit that does not converge.
        package var modelMinimizer = Minimizer()

        /// The engine's (`SnapshotEngine.Settings.defaultTableLockTimeout`).
        public static let defaultTableLockTimeout = SnapshotEngine.Settings.defaultTableLockTimeout

        public init(workers: Int = ProcessInfo.processInfo.activeProcessorCount, lockTimeout: Double? = 0, retryFor: Double = 600,
                    tableLockTimeout: Double = Options.defaultTableLockTimeout) {
            self.workers = max(1, workers)
            self.lockTimeout = lockTimeout
            self.retryFor = max(0, retryFor)
            // 0 would mean "wait forever" to PostgreSQL: keep every wait bounded.
            self.tableLockTimeout = max(0.001, tableLockTimeout)
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
        /// The models fitted on the snapshot (`model_fits`); empty when the models are off.
        public var modelFits: [ModelFitRecord] = []
        /// The published clusters of the clusters segmentations (`cluster_profiles` rows).
        public var clusterProfiles: [ClusterProfileRecord] = []
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
            timeZone: pipeline.timeZone.zone,
            baseCurrency: pipeline.baseCurrency,
            sources: pipeline.sources,
            cleaning: CleaningRules(
                testCustomerIDs: Set(cleaning.testAccounts.customerIDs),
                testEmails: Set(cleaning.testAccounts.emails),
                testEmailDomains: Set(cleaning.testAccounts.emailDomains),
                validStatuses: Set(cleaning.validStatuses),
                maxOrderTotalCents: Int64((cleaning.maxOrderTotal * 100).rounded())
            ),
            workers: options.workers,
            lockTimeout: options.tableLockTimeout
        )
    }

    /// Builds and publishes the snapshot of `asOf` (always, even if already published).
    public func run(asOf: PostgresDate) throws -> Report {
        var logger = self.logger
        logger[metadataKey: "as_of"] = "\(asOf)"
        let job = SnapshotJob(runner: PipelineRunner(database: database, pipeline: pipeline, options: options, logger: logger),
                              command: "run", force: true, batches: [[asOf]])
        guard let report = try job.execute().published.first else {
            throw EngineInvariantError("the run published no snapshot")
        }
        return report
    }

    /// The advisory lock every run and backfill of this pipeline into this schema takes.
    var lockKey: Int64 {
        PostgresConnection.advisoryLockKey(for: "segflow:run:\(pipeline.output.schema):\(pipeline.name)")
    }
}

/// Another run of the same pipeline holds the lock.
public struct PipelineLockedError: SegflowError {
    public var code: SegflowErrorCode { .pipelineLocked }
    public var pipeline: String
    public var schema: String
    public var waited: Double?

    public var description: String {
        let wait = waited.map { $0 > 0 ? " after waiting \(Int($0)) s" : "" } ?? ""
        return "another run of pipeline '\(pipeline)' into schema '\(schema)' is in progress\(wait); try again later or pass --lock-timeout"
    }
}
