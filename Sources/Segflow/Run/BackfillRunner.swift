import Foundation
import Logging
import PostgresClient
import SegflowPublish

/// `segflow backfill`: the snapshots of a range of as-of days.
///
/// Skips days already published with the same configuration hash (unless `force`), takes
/// the same advisory lock as `run`, and extracts once per batch of at most `batchSize`
/// days (cut from the whole plan, so a resumed backfill extracts like an uninterrupted
/// one). Each snapshot is segmented and published atomically as soon as the engine hands
/// it over, so a killed backfill resumes without redoing what it finished. See
/// `SnapshotJob` for gates, retries, the ledger and what quarantine each snapshot carries.
public struct BackfillRunner {
    public struct Options: Sendable {
        /// Rebuild days already published with the same configuration.
        public var force: Bool
        /// As-of days per extraction.
        public var batchSize: Int

        public init(force: Bool = false, batchSize: Int = 12) {
            self.force = force
            self.batchSize = max(1, batchSize)
        }
    }

    public struct Report: Sendable {
        public var plan: BackfillPlan
        /// The id shared by this backfill's ledger rows.
        public var batchID: RunID?
        public var skipped: [PostgresDate]
        public var published: [PipelineRunner.Report]
        public var seconds: Double
    }

    public let runner: PipelineRunner
    public let options: Options

    public init(runner: PipelineRunner, options: Options = Options()) {
        self.runner = runner
        self.options = options
    }

    public func run(_ plan: BackfillPlan, progress: @escaping (BackfillProgress) -> Void = { _ in }) throws -> Report {
        let started = Date()
        runner.logger.info("backfill", metadata: [
            "stage": "backfill", "from": "\(plan.from)", "to": "\(plan.to)", "every": "\(plan.every.rawValue)",
            "snapshots": "\(plan.days.count)", "batch": "\(options.batchSize)", "force": "\(options.force)",
        ])
        let job = SnapshotJob(runner: runner, command: "backfill", force: options.force,
                              batches: plan.batches(of: options.batchSize), progress: progress)
        let outcome = try job.execute()
        return Report(plan: plan, batchID: outcome.batchID, skipped: outcome.skipped, published: outcome.published,
                      seconds: Date().timeIntervalSince(started))
    }
}
