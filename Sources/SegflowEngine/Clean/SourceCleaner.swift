import PostgresClient

/// The clean stage: turns COPY rows into the kept, normalised model, and every rejected
/// or repaired row into a quarantine record. One extension per source
/// (`SourceCleaner+Customers.swift`, …). Rules: docs/semantics.md, "Clean".
final class SourceCleaner: @unchecked Sendable {
    let rules: CleaningRules
    let calendar: LocalCalendar
    /// The latest snapshot's as-of day (days since 1970) and cut-off (µs since 2000).
    let asOfDay: Int32
    let cutoff: Int64
    /// The wall clock when the run started: later event times are impossible.
    let runStartedAt: Int64

    let customers = CustomerTable()
    let products = ProductCatalog()
    let fx: FxTable
    let orders = OrderTable()
    let items = ItemTable()
    let chats = ChatTable()
    let stitching = VisitorStitching()
    /// Orders placed at or after the cut-off: their lines are not read into the snapshot.
    @exclusivity(unchecked) var ordersAfterCutoff = Int64Set()
    /// Session ids that occur more than once; those rows are resolved after the stream.
    @exclusivity(unchecked) var duplicateSessionIDs = Int64Set()
    /// One log per source (in `SourceName.allCases` order), each touched only by the
    /// thread cleaning that source.
    private let logs: [QuarantineLogBox]
    /// Raw status, currency and channel spellings already normalised, per source thread.
    @exclusivity(unchecked) var orderStatuses = SmallTextCache<String>()
    @exclusivity(unchecked) var orderCurrencies = SmallTextCache<String>()
    @exclusivity(unchecked) var sessionChannels = SmallTextCache<Int32>()

    init(rules: CleaningRules, calendar: LocalCalendar, baseCurrency: String, asOfDay: Int32, cutoff: Int64, runStartedAt: Int64) {
        self.rules = rules
        self.calendar = calendar
        self.asOfDay = asOfDay
        self.cutoff = cutoff
        self.runStartedAt = runStartedAt
        self.fx = FxTable(baseCurrency: baseCurrency)
        self.logs = SourceName.allCases.map { QuarantineLogBox(source: $0) }
    }

    /// An `updated_at` for "latest wins": NULL is Int64.min and sorts below everything,
    /// `-infinity` just above it (the reference's `desc nulls last`), `infinity` on top.
    static func orderingTime(_ timestamp: PostgresTimestamp?) -> Int64 {
        guard let timestamp else { return .min }
        return max(timestamp.microsecondsSince2000, .min + 1)
    }

    /// An `orderingTime` back as a raw value: nil for NULL.
    static func orderingTimeText(_ time: Int64) -> String? {
        switch time {
        case .min: nil
        case .min + 1: PostgresTimestamp.negativeInfinity.description
        default: PostgresTimestamp(microsecondsSince2000: time).description
        }
    }

    /// A switch, not a dictionary: this runs once per row, and hashing the enum hashes its raw String.
    func log(_ source: SourceName) -> QuarantineLogBox {
        switch source {
        case .customers: logs[0]
        case .products: logs[1]
        case .sessions: logs[2]
        case .orders: logs[3]
        case .orderItems: logs[4]
        case .chats: logs[5]
        case .fxRates: logs[6]
        }
    }
}

/// A source's quarantine log, shared by reference between the cleaner's methods.
final class QuarantineLogBox: @unchecked Sendable {
    @exclusivity(unchecked) var log: QuarantineLog
    init(source: SourceName) { log = QuarantineLog(source: source.rawValue) }
}
