import Foundation
import Logging
import PostgresClient

/// Extract → clean → join → features for one or more as-of days from a single extraction.
///
/// Sources stream through binary COPY over up to three connections sharing one database
/// snapshot, in three phases so each join finds what it needs already loaded:
/// 1. products, fx_rates, customers;
/// 2. orders, session ids (to find duplicates), orders after the cut-off;
/// 3. order_items, sessions, chats.
/// Sessions — the largest source — are aggregated as they stream; only anonymous ones,
/// which need the complete visitor stitching, are held until the stream ends.
public struct SnapshotEngine: Sendable {
    public struct Settings: Sendable {
        public var timeZone: TimeZone
        public var baseCurrency: String
        public var sources: [SourceName: SourceMapping]
        public var cleaning: CleaningRules
        /// Dispatch workers for the feature stage.
        public var workers: Int
        /// Seconds a source COPY may wait for a table lock (`lock_timeout`).
        public var lockTimeout: Double

        /// Long enough for a routine vacuum or index build, short enough that a forgotten
        /// `lock table` does not hold the nightly run for hours.
        public static let defaultTableLockTimeout: Double = 300

        public init(
            timeZone: TimeZone,
            baseCurrency: String,
            sources: [SourceName: SourceMapping] = [:],
            cleaning: CleaningRules = CleaningRules(),
            workers: Int = ProcessInfo.processInfo.activeProcessorCount,
            lockTimeout: Double = Settings.defaultTableLockTimeout
        ) {
            self.lockTimeout = lockTimeout
            self.timeZone = timeZone
            self.baseCurrency = baseCurrency
            self.sources = sources
            self.cleaning = cleaning
            self.workers = max(1, workers)
        }

        func mapping(_ source: SourceName) -> SourceMapping {
            sources[source] ?? .defaultTable(for: source)
        }
    }

    /// What one extraction produced, all snapshots held (tests, small stores).
    public struct Output: Sendable {
        public var snapshots: [(asOf: PostgresDate, features: FeatureColumns)]
        public var quarantine: [QuarantineLog]
        /// Seconds per stage: extract+clean+join (they stream together) and features.
        public var stageSeconds: [String: Double]
    }

    /// One as-of snapshot's features, handed to the caller as soon as they are built.
    public struct Snapshot: Sendable {
        /// Position of this snapshot among the requested days, oldest first.
        public var index: Int
        public var asOf: PostgresDate
        public var features: FeatureColumns
        /// The extraction's clean counts and quarantine (cut-off: the latest day), known before
        /// the first snapshot is handed over, so quality gates can hold before anything is published.
        public var quarantine: [QuarantineLog]
    }

    /// What one extraction did, once every snapshot has been handed over.
    public struct Summary: Sendable {
        public var quarantine: [QuarantineLog]
        /// Seconds per stage: extract+clean+join (they stream together) and features
        /// (summed over snapshots; the time spent in the caller's handler is not counted).
        public var stageSeconds: [String: Double]
    }

    public let configuration: PostgresConfiguration
    public let settings: Settings
    public let logger: Logger

    public init(configuration: PostgresConfiguration, settings: Settings, logger: Logger) {
        self.configuration = configuration
        self.settings = settings
        self.logger = logger
    }

    /// Extracts once and builds every snapshot, holding them all; see `run(asOf:runStartedAt:eachSnapshot:)`.
    public func run(asOf days: [PostgresDate], runStartedAt: Date = Date()) throws -> Output {
        var snapshots: [(asOf: PostgresDate, features: FeatureColumns)] = []
        let summary = try run(asOf: days, runStartedAt: runStartedAt) { snapshots.append(($0.asOf, $0.features)) }
        return Output(snapshots: snapshots, quarantine: summary.quarantine, stageSeconds: summary.stageSeconds)
    }

    /// Extracts once (cut-off: the latest day) and builds the snapshot of every day, oldest
    /// first, handing each to `eachSnapshot` before building the next, so only one
    /// snapshot's features are held at a time. An error thrown by the handler stops the run.
    public func run(
        asOf days: [PostgresDate], runStartedAt: Date = Date(),
        eachSnapshot: (Snapshot) throws -> Void
    ) throws -> Summary {
        precondition(!days.isEmpty, "at least one as-of day")
        let calendar = LocalCalendar(timeZone: settings.timeZone)
        let windows = Array(Set(days)).sorted().map { SnapshotWindow(asOf: $0, calendar: calendar) }
        guard let last = windows.last else { return Summary(quarantine: [], stageSeconds: [:]) }
        ProcessMemory.configureAllocator()
        let started = Date()
        let cleaner = SourceCleaner(
            rules: settings.cleaning, calendar: calendar, baseCurrency: settings.baseCurrency,
            asOfDay: last.day, cutoff: last.cutoff,
            runStartedAt: Int64((runStartedAt.timeIntervalSince1970 - Double(PostgresTimestamp.unixEpochOffsetSeconds)) * 1e6)
        )
        let session = ExtractionSession(configuration: configuration, cutoff: PostgresTimestamp(microsecondsSince2000: last.cutoff),
                                        lockTimeout: settings.lockTimeout, logger: logger)
        defer { session.close() }
        let shared = UncheckedSendable(cleaner)

        // Phase 1: dimensions and customers.
        try logPhase("products, fx_rates, customers") {
            try session.runConcurrently([
                .init(source: .products, label: "products", sql: settings.mapping(.products).copyStatement(for: .products, cutoff: session.cutoff),
                      handle: { try shared.value.consumeProduct($0) }, finish: { shared.value.finalizeProducts() }),
                .init(source: .fxRates, label: "fx_rates", sql: settings.mapping(.fxRates).copyStatement(for: .fxRates, cutoff: session.cutoff),
                      handle: { try shared.value.consumeRate($0) }, finish: { shared.value.finalizeRates() }),
                .init(source: .customers, label: "customers", sql: settings.mapping(.customers).copyStatement(for: .customers, cutoff: session.cutoff),
                      handle: { try shared.value.consumeCustomer($0) }, finish: { shared.value.finalizeCustomers() }),
            ])
        }

        // Phase 2: orders, and the ids of sessions and of later orders.
        let seenSessions = SessionKeyState(capacity: session.estimatedRows(settings.mapping(.sessions)) ?? 1 << 20)
        if let orders = session.estimatedRows(settings.mapping(.orders)) { cleaner.orders.reserve(orders) }
        if let items = session.estimatedRows(settings.mapping(.orderItems)) { cleaner.items.reserve(items) }
        try logPhase("orders, session ids") {
            try session.runConcurrently([
                .init(source: .orders, label: "orders", sql: settings.mapping(.orders).copyStatement(for: .orders, cutoff: session.cutoff),
                      handle: { try shared.value.consumeOrder($0) }, finish: { shared.value.finalizeOrders() }),
                .init(source: .sessions, label: "session_keys", sql: sessionIDsStatement(cutoff: session.cutoff),
                      handle: { try shared.value.consumeSessionID($0, seen: &seenSessions.seen) },
                      finish: { seenSessions.seen = Int64Set() }),
                .init(source: .orders, label: "orders_after_cutoff", sql: ordersAfterCutoffStatement(cutoff: session.cutoff),
                      handle: { row in if let id = try row.int64(OrderColumn.orderID) { shared.value.ordersAfterCutoff.insert(id) } }),
            ])
        }

        // Phase 3: the event streams.
        let join = SessionJoin(windows: windows, calendar: calendar, customers: cleaner.customers, orders: cleaner.orders,
                               products: cleaner.products, stitching: cleaner.stitching)
        let held = HeldSessions()
        let sharedJoin = UncheckedSendable(join)
        try logPhase("order_items, sessions, chats") {
            try session.runConcurrently([
                .init(source: .orderItems, label: "order_items", sql: settings.mapping(.orderItems).copyStatement(for: .orderItems, cutoff: session.cutoff),
                      handle: { try shared.value.consumeItem($0) }, finish: { shared.value.finalizeItems() }),
                .init(source: .sessions, label: "sessions", sql: settings.mapping(.sessions).copyStatement(for: .sessions, cutoff: session.cutoff),
                      handle: { try shared.value.consumeSession($0, join: sharedJoin.value, held: &held.rows, anonymous: &held.anonymous) },
                      finish: {
                          shared.value.finishSessions(anonymous: &held.anonymous, held: held.rows, join: sharedJoin.value)
                          held.rows = []
                      }),
                .init(source: .chats, label: "chats", sql: settings.mapping(.chats).copyStatement(for: .chats, cutoff: session.cutoff),
                      handle: { try shared.value.consumeChat($0) }),
            ])
        }
        session.close()
        // Chats of anonymous visitors need the stitching, complete only once sessions have streamed.
        let chats = cleaner.finalizeChats(windows: windows)
        let extracted = Date()
        let visitorsStitched = cleaner.stitching.visitorCount
        releaseJoinState(cleaner)
        logMemory("joined")

        let quarantine = SourceName.allCases.map { cleaner.log($0).log }
        for log in quarantine {
            logger.info("cleaned", metadata: ["stage": "clean", "source": "\(log.source)", "rows_in": "\(log.rowsIn)",
                                              "rows_out": "\(log.rowsKept)", "kept": "\(log.rowsKept)",
                                              "rejected": "\(log.rowsRejected)", "repaired": "\(log.rowsRepaired)"])
        }
        logger.info("joined", metadata: ["stage": "join", "source": "sessions", "rows_in": "\(cleaner.log(.sessions).log.rowsKept)",
                                         "visitors_stitched": "\(visitorsStitched)", "customers": "\(cleaner.customers.count)"])
        var featureSeconds = 0.0
        for (index, window) in windows.enumerated() {
            let featuresStarted = Date()
            let builder = FeatureBuilder(window: window, calendar: calendar, customers: cleaner.customers, products: cleaner.products,
                                         orders: cleaner.orders, items: cleaner.items, sessions: join.activity, chats: chats,
                                         snapshot: index, workers: settings.workers)
            let features = builder.build()
            featureSeconds += Date().timeIntervalSince(featuresStarted)
            if index == windows.count - 1 {
                // The caller's handler (segment, publish) needs none of the event tables.
                cleaner.orders.releaseAll()
                cleaner.items.releaseAll()
                ProcessMemory.releaseFreeMemory()
            }
            logMemory("features", metadata: ["as_of": "\(window.asOf)"])
            logger.info("features", metadata: ["stage": "features", "as_of": "\(window.asOf)", "rows_out": "\(features.count)",
                                               "customers": "\(features.count)",
                                               "seconds": "\(String(format: "%.2f", Date().timeIntervalSince(featuresStarted)))"])
            try eachSnapshot(Snapshot(index: index, asOf: window.asOf, features: features, quarantine: quarantine))
        }
        return Summary(
            quarantine: quarantine,
            stageSeconds: ["extract_clean_join": extracted.timeIntervalSince(started), "features": featureSeconds]
        )
    }

    private func logPhase(_ name: String, _ body: () throws -> [String: (rows: Int, seconds: Double)]) throws {
        let started = Date()
        let timings = try body()
        var metadata: Logger.Metadata = ["stage": "extract", "phase": "\(name)", "seconds": "\(String(format: "%.2f", Date().timeIntervalSince(started)))"]
        for (label, timing) in timings { metadata[label] = "\(timing.rows) rows" }
        logger.info("extracted", metadata: metadata)
        ProcessMemory.releaseFreeMemory()
        logMemory("extract", metadata: ["phase": "\(name)"])
    }

    /// Frees what only cleaning and the joins needed, before the features allocate.
    private func releaseJoinState(_ cleaner: SourceCleaner) {
        cleaner.orders.releaseJoinColumns()
        cleaner.customers.releaseJoinIndex()
        cleaner.stitching.release()
        cleaner.chats.releaseAll()
        cleaner.duplicateSessionIDs = Int64Set(capacity: 1)
        cleaner.ordersAfterCutoff = Int64Set(capacity: 1)
        ProcessMemory.releaseFreeMemory()
    }

    /// Resident memory at a stage boundary (debug): where the peak happens, and what it holds.
    private func logMemory(_ stage: String, metadata: Logger.Metadata = [:]) {
        guard logger.logLevel <= .debug else { return }
        var metadata = metadata
        metadata["stage"] = "\(stage)"
        metadata["rss_mb"] = "\(ProcessMemory.residentMegabytesText())"
        logger.debug("memory", metadata: metadata)
    }

    /// Only the ids: the duplicates must be known before the sessions stream joins them.
    private func sessionIDsStatement(cutoff: PostgresTimestamp) -> String {
        let from = settings.mapping(.sessions).fromClause
        return """
            copy (select session_id::int8 from \(from) \
            where started_at < \(SourceMapping.cutoffLiteral(cutoff))) to stdout (format binary)
            """
    }

    private func ordersAfterCutoffStatement(cutoff: PostgresTimestamp) -> String {
        let from = settings.mapping(.orders).fromClause
        return """
            copy (select order_id::int8 from \(from) \
            where placed_at >= \(SourceMapping.cutoffLiteral(cutoff))) to stdout (format binary)
            """
    }
}

/// State a phase's worker thread owns until the phase ends (one thread, so no exclusivity checks
/// on the per-row `inout` accesses).
private final class SessionKeyState: @unchecked Sendable {
    @exclusivity(unchecked) var seen: Int64Set
    init(capacity: Int) { seen = Int64Set(capacity: capacity) }
}
private final class HeldSessions: @unchecked Sendable {
    @exclusivity(unchecked) var rows: [(SessionJoin.Session, SessionCounts, [QuarantineRecord.RawValue])] = []
    @exclusivity(unchecked) var anonymous = AnonymousSessions()
}
