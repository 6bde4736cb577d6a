/// A source row the clean stage rejected or repaired, stored in `quarantine`.
public struct QuarantineRecord: Sendable {
    public enum Action: String, Sendable, Hashable {
        case rejected
        case repaired
    }

    /// Source table (`orders`, `sessions`, …).
    public var source: String
    /// The row's key as text (composite keys joined with "/"); nil when the key is missing.
    public var key: String?
    /// `duplicate`, `orphan_customer`, … (docs/semantics.md).
    public var reason: String
    public var action: Action
    /// The raw source values as text, by column; nil is SQL NULL.
    public var raw: [(column: String, value: String?)]

    public init(source: String, key: String?, reason: String, action: Action, raw: [(column: String, value: String?)]) {
        self.source = source
        self.key = key
        self.reason = reason
        self.action = action
        self.raw = raw
    }

    /// Counts by source, then reason: the shape of `runs.quarantine_counts`.
    public static func counts(_ records: some Sequence<QuarantineRecord>) -> [String: [String: Int]] {
        var counts: [String: [String: Int]] = [:]
        for record in records {
            counts[record.source, default: [:]][record.reason, default: 0] += 1
        }
        return counts
    }
}
