import Foundation
import Logging
import PostgresClient
import SegflowEngine
import SegflowPipelineFile

/// Evaluates the pipeline file's `quality_gates`, per source:
/// - `max_quarantine_rate`: rows the clean stage rejected / rows read (repairs do not count);
/// - `min_rows`: rows kept after cleaning;
/// - `max_staleness`: the newest event before the cut-off (the first instant after the
///   as-of day) is at most this old. Events: orders.placed_at, sessions.started_at,
///   chats.started_at, the later of customers.created_at and updated_at, and the start of
///   an fx_rates day. products and order_items have no event time and are skipped.
///
/// Freshness is one cheap aggregate per gated source before extraction (fail fast); the
/// counts come from the clean stage, before the first snapshot is published.
struct QualityGateCheck {
    let pipeline: PipelineConfiguration
    let logger: Logger

    /// The newest-event expression of a source, on its canonical columns; nil without one.
    /// `timezone` is SQL that yields the pipeline's zone (a bind parameter).
    static func eventExpression(_ source: SourceName, timezone: String) -> String? {
        switch source {
        case .orders: "placed_at"
        case .sessions, .chats: "started_at"
        case .customers: "greatest(created_at, updated_at)"
        case .fxRates: "(day::timestamp at time zone \(timezone))"
        case .products, .orderItems: nil
        }
    }

    /// Freshness of every gated source for every day; throws `QualityGateError` on a breach.
    func checkFreshness(connection: PostgresConnection, days: [PostgresDate]) throws {
        let calendar = LocalCalendar(timeZone: pipeline.timeZone.zone)
        let cutoffs = days.map { ($0, calendar.cutoff(asOf: $0)) }
        var breaches: [QualityGateBreach] = []
        for (source, gate) in pipeline.qualityGates.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            guard let maxStaleness = gate.maxStaleness, !cutoffs.isEmpty else { continue }
            guard let expression = Self.eventExpression(source, timezone: "$\(cutoffs.count + 1)::text") else {
                logger.warning("max_staleness ignored: the source has no event time", metadata: ["stage": "gates", "source": "\(source.rawValue)"])
                continue
            }
            let started = Date()
            // One scan for all days: max(...) filter (where ... < cut-off of each day).
            let columns = cutoffs.indices.map { index in
                "extract(epoch from max(e) filter (where e < $\(index + 1)::timestamptz))::float8"
            }.joined(separator: ", ")
            let mapping = pipeline.sources[source] ?? .defaultTable(for: source)
            let sql = "select \(columns) from (select \(expression) as e from \(mapping.fromClause)) as events"
            let row = try connection.execute(PostgresQuery(unsafeSQL: sql, binds: cutoffs.map { $0.1.description } + (source == .fxRates ? [pipeline.timeZone.name] : [])))[0]
            for (index, (day, cutoff)) in cutoffs.enumerated() {
                let newest = row[index].double
                let age = newest.map { cutoff.secondsSince1970 - $0 }
                logger.info("freshness", metadata: [
                    "stage": "gates", "source": "\(source.rawValue)", "as_of": "\(day)",
                    "age_seconds": "\(age.map { String(format: "%.0f", $0) } ?? "none")",
                    "seconds": "\(String(format: "%.2f", Date().timeIntervalSince(started)))",
                ])
                guard let age else {
                    breaches.append(QualityGateBreach(source: source.rawValue, gate: "max_staleness", asOf: day,
                                                      message: "no events before the cut-off (max_staleness \(maxStaleness))"))
                    continue
                }
                if age > Double(maxStaleness.seconds) {
                    breaches.append(QualityGateBreach(
                        source: source.rawValue, gate: "max_staleness", asOf: day,
                        message: "newest event is \(Self.duration(age)) old at the cut-off > max_staleness \(maxStaleness) (by \(Self.duration(age - Double(maxStaleness.seconds))))"
                    ))
                }
            }
        }
        if !breaches.isEmpty { throw QualityGateError(breaches: breaches) }
    }

    /// Quarantine rate and row count of every gated source; throws `QualityGateError`.
    func checkCounts(_ counts: [SourceCounts], days: [PostgresDate]) throws {
        var breaches: [QualityGateBreach] = []
        let bySource = Dictionary(counts.map { ($0.source, $0) }, uniquingKeysWith: { $1 })
        for (source, gate) in pipeline.qualityGates.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            guard gate.maxQuarantineRate != nil || gate.minRows != nil else { continue }
            let count = bySource[source.rawValue] ?? SourceCounts(source: source.rawValue, rowsIn: 0, rowsRejected: 0)
            let rate = count.rowsIn > 0 ? Double(count.rowsRejected) / Double(count.rowsIn) : 0
            logger.info("quarantine rate", metadata: [
                "stage": "gates", "source": "\(source.rawValue)", "rows_in": "\(count.rowsIn)",
                "rows_out": "\(count.rowsIn - count.rowsRejected)", "rate": "\(String(format: "%.4f", rate))",
            ])
            if let max = gate.maxQuarantineRate, rate > max {
                breaches.append(QualityGateBreach(
                    source: source.rawValue, gate: "max_quarantine_rate", asOf: days.last,
                    message: Self.rateBreach(rate: rate, max: max, rejected: count.rowsRejected, rowsIn: count.rowsIn)
                ))
            }
            if let minimum = gate.minRows, count.rowsIn - count.rowsRejected < minimum {
                let kept = count.rowsIn - count.rowsRejected
                breaches.append(QualityGateBreach(
                    source: source.rawValue, gate: "min_rows", asOf: days.last,
                    message: "\(kept) rows after cleaning < min_rows \(minimum) (short by \(minimum - kept))"
                ))
            }
        }
        if !breaches.isEmpty { throw QualityGateError(breaches: breaches) }
    }

    static func percent(_ value: Double, decimals: Int = 1) -> String { String(format: "%.\(decimals)f%%", value * 100) }

    /// `quarantine rate 0.104% > max 0.050% (…, by 0.054%)`: the rate to three significant
    /// digits, and more decimals if it takes them for the rate and the limit (and the excess)
    /// to differ on screen, so the line shows why it failed.
    static func rateBreach(rate: Double, max: Double, rejected: Int, rowsIn: Int) -> String {
        let significant = rate > 0 ? 2 - Int(floor(log10(rate * 100))) : 1
        let differing = (1...6).first { percent(rate, decimals: $0) != percent(max, decimals: $0) } ?? 6
        let decimals = Swift.min(6, Swift.max(1, significant, differing))
        let excess = rate - max
        let excessDecimals = (decimals...8).first { percent(excess, decimals: $0) != percent(0, decimals: $0) } ?? 8
        return "quarantine rate \(percent(rate, decimals: decimals)) > max \(percent(max, decimals: decimals)) "
            + "(\(rejected) of \(rowsIn) rows rejected, by \(percent(excess, decimals: excessDecimals)))"
    }

    static func duration(_ seconds: Double) -> String {
        seconds >= 86_400 ? String(format: "%.1f d", seconds / 86_400)
            : seconds >= 3_600 ? String(format: "%.1f h", seconds / 3_600) : String(format: "%.0f s", seconds)
    }
}

/// Rows one source brought into the clean stage and rows it rejected.
struct SourceCounts: Sendable {
    var source: String
    var rowsIn: Int
    var rowsRejected: Int
}

extension SourceCounts {
    init(_ log: QuarantineLog) {
        self.init(source: log.source, rowsIn: log.rowsIn, rowsRejected: log.rowsRejected)
    }
}

/// One breached gate.
public struct QualityGateBreach: Sendable, CustomStringConvertible {
    public var source: String
    /// max_quarantine_rate, min_rows or max_staleness.
    public var gate: String
    /// The as-of day checked (for counts: the latest day of the extraction).
    public var asOf: PostgresDate?
    public var message: String

    public var description: String {
        "\(source): \(message)" + (gate == "max_staleness" ? asOf.map { " for as_of \($0)" } ?? "" : "")
    }
}

/// Data-quality gates failed; nothing was published.
public struct QualityGateError: SegflowError {
    public var code: SegflowErrorCode { .qualityGateFailed }
    public var breaches: [QualityGateBreach]

    public var description: String {
        "quality gate failed, nothing published: " + breaches.map(\.description).joined(separator: "; ")
    }
}
