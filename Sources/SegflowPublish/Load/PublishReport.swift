import PostgresClient

/// What a publish wrote, and how long each part took.
public struct PublishReport: Sendable {
    public var asOf: PostgresDate
    /// The published snapshot this one was compared with; nil for the first.
    public var previousAsOf: PostgresDate?
    /// True when the as-of day had been published before and was replaced.
    public var replaced: Bool
    /// A later snapshot whose joined/left counts and transitions were recomputed because
    /// this one was published out of order.
    public var recomputedAsOf: PostgresDate?
    /// Rows written per table.
    public var rowCounts: [String: Int]
    /// Seconds per step (`customer_features`, `swap`, `kpis`, …).
    public var seconds: [String: Double]
    public var totalSeconds: Double
}
