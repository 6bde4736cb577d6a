import PostgresClient

/// One as-of snapshot: its day and cut-off.
struct SnapshotWindow: Sendable {
    let asOf: PostgresDate
    /// The as-of day as days since 1970.
    let day: Int32
    /// µs since 2000 of the first instant after the as-of day.
    let cutoff: Int64

    init(asOf: PostgresDate, calendar: LocalCalendar) {
        self.asOf = asOf
        self.day = asOf.daysSince1970
        self.cutoff = calendar.cutoff(asOf: asOf).microsecondsSince2000
    }

    /// True if a local day lies in the trailing `days` days ending on the as-of day.
    @inline(__always)
    func isRecent(_ localDay: Int32, days: Int32) -> Bool {
        localDay > day - days && localDay <= day
    }
}
