import Foundation
import Logging
import PostgresClient

/// Reads recent runs and published snapshots from an output schema.
///
/// Rows are read whole as JSON (`to_jsonb`), and each field is taken only if present with
/// the expected type, so a ledger with more columns or new statuses (a newer migration)
/// still reads.
public struct RunHistory {
    public let schema: String
    private let connection: PostgresConnection

    /// What `segflow status` shows.
    public struct Overview: Sendable, Codable {
        public var schema: String
        public var runs: [RunRecord]
        public var snapshots: [SnapshotRecord]
    }

    public init(connection: PostgresConnection, schema: String) {
        self.connection = connection
        self.schema = schema
    }

    /// The `limit` newest runs and snapshots. Refuses a schema newer than this build and
    /// one that was never migrated (`SchemaTooNewError`, `SchemaOutdatedError`).
    public func overview(limit: Int) throws -> Overview {
        do {
            _ = try SchemaMigrator.checkCompatible(connection: connection, schema: schema)
        } catch let error as SchemaOutdatedError where error.schemaVersion > 0 {
            // An older schema still has a ledger worth showing.
            _ = error
        }
        try connection.simpleQuery("set timezone = 'UTC'")
        return Overview(schema: schema, runs: try runs(limit: limit), snapshots: try snapshots(limit: limit))
    }

    public func runs(limit: Int) throws -> [RunRecord] {
        let result = try connection.execute("""
            select to_jsonb(r)::text as row,
                   extract(epoch from coalesce(r.finished_at, now()) - r.started_at)::float8 as seconds
            from \(identifier: schema).runs r
            order by r.started_at desc
            limit \(limit)
            """)
        return result.rows.compactMap { row in
            guard let object = Self.object(row["row"].string) else { return nil }
            return Self.run(from: object, seconds: row["seconds"].double)
        }
    }

    public func snapshots(limit: Int) throws -> [SnapshotRecord] {
        let result = try connection.execute("""
            select to_jsonb(s)::text as row
            from \(identifier: schema).snapshots s
            order by s.as_of desc
            limit \(limit)
            """)
        return result.rows.compactMap { row in
            guard let object = Self.object(row["row"].string), let asOf = object["as_of"] as? String else { return nil }
            return SnapshotRecord(
                asOf: asOf, runID: object["run_id"] as? String, customers: Self.int(object["customers"]),
                quarantined: Self.int(object["quarantined"]), configHash: object["config_hash"] as? String,
                publishedAt: (object["published_at"] as? String).map(Self.isoUTC))
        }
    }

    // MARK: Reading JSON defensively

    static func run(from object: [String: Any], seconds: Double?) -> RunRecord? {
        guard let runID = object["run_id"] as? String else { return nil }
        let rowCounts = object["row_counts"] as? [String: Any] ?? [:]
        let inputs = rowCounts.filter { $0.key.hasSuffix("_in") }.compactMap { int($0.value) }
        var quarantined: Int?
        if let counts = object["quarantine_counts"] as? [String: Any], !counts.isEmpty {
            quarantined = counts.values.reduce(0) { total, reasons in
                total + ((reasons as? [String: Any])?.values.compactMap { int($0) }.reduce(0, +) ?? int(reasons) ?? 0)
            }
        }
        return RunRecord(
            runID: runID,
            command: object["command"] as? String ?? "?",
            pipeline: object["pipeline"] as? String,
            asOf: object["as_of"] as? String,
            status: object["status"] as? String ?? "?",
            exitCode: int(object["exit_code"]),
            startedAt: (object["started_at"] as? String).map(isoUTC) ?? "",
            finishedAt: (object["finished_at"] as? String).map(isoUTC),
            durationSeconds: seconds,
            rowsIn: inputs.isEmpty ? nil : inputs.reduce(0, +),
            quarantined: quarantined,
            error: (object["error"] as? String).map(errorSummary))
    }

    /// The first non-empty line, passwords masked, at most 200 characters.
    static func errorSummary(_ text: String) -> String {
        let line = RunLedger.redact(text).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        return line.count > 200 ? String(line.prefix(199)) + "…" : line
    }

    private static func object(_ text: String?) -> [String: Any]? {
        guard let text else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
    }

    private static func int(_ value: Any?) -> Int? {
        switch value {
        case let number as NSNumber: number.intValue
        case let text as String: Int(text)
        default: nil
        }
    }

    /// `2026-11-22T14:00:01.123456+00:00` → `2026-11-22T14:00:01Z` (the session is in UTC).
    static func isoUTC(_ text: String) -> String {
        guard text.count >= 19 else { return text }
        return String(text.prefix(19)) + "Z"
    }
}
