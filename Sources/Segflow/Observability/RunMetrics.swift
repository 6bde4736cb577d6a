import CoreMetrics
import Foundation
import Metrics
import PostgresClient

/// Records what a run or backfill did through the swift-metrics API.
///
/// The library never picks a backend: the executable bootstraps one (Prometheus text for
/// segflow) and exports after the run. Values are gauges holding the latest snapshot's
/// figures, because a batch job is scraped (or pushed) once per run, not sampled.
/// The recorder takes plain values so it does not depend on the runner's types.
public struct RunMetrics: Sendable {
    /// One source's clean-stage counts, as in `QuarantineLog`.
    public struct SourceCounts: Sendable {
        public var source: String
        public var rowsIn: Int
        public var rowsKept: Int
        public var rowsRejected: Int
        /// Quarantined rows per reason; keys `repaired:<reason>` count repaired rows.
        public var byReason: [String: Int]

        public init(source: String, rowsIn: Int, rowsKept: Int, rowsRejected: Int, byReason: [String: Int]) {
            self.source = source
            self.rowsIn = rowsIn
            self.rowsKept = rowsKept
            self.rowsRejected = rowsRejected
            self.byReason = byReason
        }
    }

    /// Metric names, each with its Prometheus type and help text (see docs/operations.md).
    public enum Name {
        public static let stageDuration = "segflow_stage_duration_seconds"
        public static let sourceRowsIn = "segflow_source_rows_in"
        public static let sourceRowsOut = "segflow_source_rows_out"
        public static let sourceRowsRejected = "segflow_source_rows_rejected"
        public static let quarantinedRows = "segflow_quarantined_rows"
        public static let publishedCustomers = "segflow_published_customers"
        public static let publishedMemberships = "segflow_published_memberships"
        public static let snapshotAsOf = "segflow_snapshot_as_of_timestamp_seconds"
        public static let snapshotAge = "segflow_snapshot_age_seconds"
        public static let snapshotsPublished = "segflow_snapshots_published_total"
        public static let runStatus = "segflow_run_status"
        public static let runExitCode = "segflow_run_exit_code"
        public static let runDuration = "segflow_run_duration_seconds"
        public static let runFinished = "segflow_run_finished_timestamp_seconds"
        public static let modelFitConverged = "segflow_model_fit_converged"
    }

    /// `# HELP` text per metric name, for the backend (swift-metrics carries no help text).
    public static let help: [String: String] = [
        Name.stageDuration: "Seconds spent in each stage of the latest snapshot.",
        Name.sourceRowsIn: "Rows read from each source by the latest snapshot.",
        Name.sourceRowsOut: "Rows of each source kept after cleaning.",
        Name.sourceRowsRejected: "Rows of each source rejected into quarantine.",
        Name.quarantinedRows: "Quarantined rows per source, reason and action (rejected or repaired).",
        Name.publishedCustomers: "Customers published in the latest snapshot.",
        Name.publishedMemberships: "Segment memberships published in the latest snapshot.",
        Name.snapshotAsOf: "Cut-off of the latest published snapshot (first instant after its as_of day), Unix seconds.",
        Name.snapshotAge: "Seconds between the latest snapshot's cut-off and the moment it was recorded.",
        Name.snapshotsPublished: "Snapshots published by this process.",
        Name.runStatus: "Always 1; the label status is the latest run's ledger status (succeeded, failed, gate_failed, cancelled).",
        Name.runExitCode: "Exit code of the latest run: 0 ok, 2 usage, 65 gate failed, 75 retry later, 1 other.",
        Name.runDuration: "Wall-clock seconds of the latest run or backfill.",
        Name.runFinished: "When the latest run or backfill finished, Unix seconds.",
        Name.modelFitConverged: "1 when the model's fit on the latest snapshot converged, 0 when it did not (its prediction features are null).",
    ]

    private let explicitFactory: (any MetricsFactory)?

    /// Uses the backend bootstrapped by the time a value is recorded (a no-op one if none was).
    public init() {
        self.explicitFactory = nil
    }

    /// Uses the given backend, for tests or a private registry.
    public init(factory: any MetricsFactory) {
        self.explicitFactory = factory
    }

    private var factory: any MetricsFactory {
        explicitFactory ?? MetricsSystem.factory
    }

    /// The cut-off of an as-of day: the first instant of the next day in `timeZone`.
    public static func cutoff(asOf: PostgresDate, timeZone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let (year, month, day) = asOf.adding(days: 1).components
        let components = DateComponents(year: year, month: month, day: day)
        return calendar.date(from: components) ?? Date(timeIntervalSince1970: Double(asOf.daysSince1970 + 1) * 86_400)
    }

    /// One published snapshot: stage timings, clean-stage counts, what was published.
    public func recordSnapshot(
        asOf: PostgresDate, timeZone: TimeZone, stageSeconds: [String: Double], sources: [SourceCounts],
        customers: Int, memberships: Int, now: Date = Date()
    ) {
        for (stage, seconds) in stageSeconds {
            gauge(Name.stageDuration, ["stage": stage]).record(seconds)
        }
        for source in sources {
            let labels = ["source": source.source]
            gauge(Name.sourceRowsIn, labels).record(source.rowsIn)
            gauge(Name.sourceRowsOut, labels).record(source.rowsKept)
            gauge(Name.sourceRowsRejected, labels).record(source.rowsRejected)
            for (key, count) in source.byReason {
                let repaired = key.hasPrefix("repaired:")
                let reason = repaired ? String(key.dropFirst("repaired:".count)) : key
                gauge(Name.quarantinedRows, [
                    "source": source.source, "reason": reason, "action": repaired ? "repaired" : "rejected",
                ]).record(count)
            }
        }
        gauge(Name.publishedCustomers).record(customers)
        gauge(Name.publishedMemberships).record(memberships)
        let cutoff = Self.cutoff(asOf: asOf, timeZone: timeZone)
        gauge(Name.snapshotAsOf).record(cutoff.timeIntervalSince1970)
        gauge(Name.snapshotAge).record(now.timeIntervalSince(cutoff))
        Counter(label: Name.snapshotsPublished, dimensions: [], factory: factory).increment()
    }

    /// The customer-base models fitted on the latest published snapshot: one series per model (none
    /// when the models are off), so an alert can catch a fit that stopped converging.
    public func recordModelFits(_ fits: [ModelFitRecord]) {
        for fit in fits {
            gauge(Name.modelFitConverged, ["model": fit.model]).record(fit.isConverged ? 1.0 : 0.0)
        }
    }

    /// The outcome of a whole run or backfill, recorded once at its end whether it failed or not.
    /// `status` is the ledger's word (`succeeded`, `failed`, …).
    public func recordRun(status: String, exitCode: Int32, seconds: Double, now: Date = Date()) {
        // Each process records one outcome and the export replaces the previous file or push
        // group, so exactly one status series exists.
        gauge(Name.runStatus, ["status": status]).record(1)
        gauge(Name.runExitCode).record(Int64(exitCode))
        gauge(Name.runDuration).record(seconds)
        gauge(Name.runFinished).record(now.timeIntervalSince1970)
    }

    /// Both at once, for a single-snapshot `run`.
    public func record(
        asOf: PostgresDate, timeZone: TimeZone, stageSeconds: [String: Double], sources: [SourceCounts],
        customers: Int, memberships: Int, status: String, exitCode: Int32, runSeconds: Double, now: Date = Date()
    ) {
        recordSnapshot(asOf: asOf, timeZone: timeZone, stageSeconds: stageSeconds, sources: sources,
                       customers: customers, memberships: memberships, now: now)
        recordRun(status: status, exitCode: exitCode, seconds: runSeconds, now: now)
    }

    private func gauge(_ name: String, _ labels: [String: String] = [:]) -> Gauge {
        Gauge(label: name, dimensions: labels.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, factory: factory)
    }
}
