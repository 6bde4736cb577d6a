import Foundation

/// One row of the run ledger as `segflow status` shows it.
public struct RunRecord: Sendable, Hashable, Codable {
    public var runID: String
    public var command: String
    public var pipeline: String?
    public var asOf: String?
    /// `running`, `succeeded`, `failed`, or any status a newer ledger records.
    public var status: String
    public var exitCode: Int?
    /// ISO 8601 in UTC.
    public var startedAt: String
    public var finishedAt: String?
    /// Until now for a run still running.
    public var durationSeconds: Double?
    /// Source rows read (the `<source>_in` row counts); nil when the run recorded none.
    public var rowsIn: Int?
    /// Rows quarantined (rejected or repaired), all sources and reasons.
    public var quarantined: Int?
    /// The first line of the error, passwords masked.
    public var error: String?

    enum CodingKeys: String, CodingKey {
        case runID = "run_id", command, pipeline, asOf = "as_of", status, exitCode = "exit_code"
        case startedAt = "started_at", finishedAt = "finished_at", durationSeconds = "duration_seconds"
        case rowsIn = "rows_in", quarantined, error
    }
}

/// One published snapshot.
public struct SnapshotRecord: Sendable, Hashable, Codable {
    public var asOf: String
    public var runID: String?
    public var customers: Int?
    public var quarantined: Int?
    public var configHash: String?
    /// ISO 8601 in UTC.
    public var publishedAt: String?

    enum CodingKeys: String, CodingKey {
        case asOf = "as_of", runID = "run_id", customers, quarantined, configHash = "config_hash"
        case publishedAt = "published_at"
    }
}
