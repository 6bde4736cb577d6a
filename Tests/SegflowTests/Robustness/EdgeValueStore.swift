import Foundation
import PostgresClient
import SegflowTestSupport
@testable import SegflowEngine
@testable import SegflowGenerator

/// A generated store plus the edge-value matrix: for every source column and each edge
/// value of its type, rows copied from a clean template row of the source with that one
/// value changed. Remembers the key of each value's first row, to look its quarantine up.
final class EdgeValueStore {
    let store: RunTestStore
    let cutoff: PostgresTimestamp
    /// The cut-off as a SQL literal.
    private let cutoffSQL: String
    private let connection: PostgresConnection
    /// "source|column|literal" → the key text the clean stage logs for that row.
    private var keys: [String: String] = [:]
    private var nextKey: Int64 = 900_000_000_000
    /// Per source: the template row (ctid) and its columns with their types.
    private var templates: [SourceName: String] = [:]
    private var columns: [SourceName: [(name: String, type: String)]] = [:]

    init(store: RunTestStore) throws {
        self.store = store
        let timeZone = try RunTestStore.pipeline().timeZone.zone
        cutoff = LocalCalendar(timeZone: timeZone).cutoff(asOf: GeneratorConfiguration.defaultEndDay)
        cutoffSQL = "'\(cutoff)'::timestamptz"
        connection = try store.connect()
        // numeric(p,s) → numeric, so that NaN's siblings (±Infinity, values beyond int8 cents)
        // can be stored as a mapping onto another table could deliver them.
        for row in try store.rows("""
            select table_name, column_name from information_schema.columns
            where table_schema = 'shop' and data_type = 'numeric'
            """) {
            try execute("alter table shop.\(row[0] ?? "") alter column \(row[1] ?? "") type numeric")
        }
        for source in SourceName.allCases {
            columns[source] = try store.rows("""
                select column_name, data_type from information_schema.columns
                where table_schema = 'shop' and table_name = '\(source.rawValue)' order by ordinal_position
                """).map { ($0[0] ?? "", $0[1] ?? "") }
        }
        // Templates: a completed order before the cut-off, its customer, line, product, and
        // a session and chat of a known customer: rows that pass every check as they are.
        let order = try first("select ctid, order_id, customer_id from shop.orders where status = 'completed' and placed_at < \(cutoffSQL) - interval '40 days' order by order_id limit 1")
        templates[.orders] = order[0]
        templates[.customers] = try first("select ctid from shop.customers where customer_id = \(order[2]) limit 1")[0]
        let item = try first("select ctid, product_id from shop.order_items where order_id = \(order[1]) order by line_no limit 1")
        templates[.orderItems] = item[0]
        templates[.products] = try first("select ctid from shop.products where product_id = \(item[1]) limit 1")[0]
        templates[.sessions] = try first("select ctid from shop.sessions where customer_id is not null and started_at < \(cutoffSQL) - interval '10 days' order by started_at desc limit 1")[0]
        templates[.chats] = try first("select ctid from shop.chats where customer_id is not null and started_at < \(cutoffSQL) - interval '10 days' order by started_at desc limit 1")[0]
        templates[.fxRates] = try first("select ctid from shop.fx_rates where currency <> 'EUR' order by day limit 1")[0]
    }

    deinit { connection.close() }

    /// Inserts the whole matrix; returns the number of rows inserted.
    func insertMatrix() throws -> Int {
        var inserted = 0
        for source in SourceName.allCases {
            for column in columns[source] ?? [] {
                let isKey = Self.keyColumns(source).contains(column.name)
                for literal in EdgeValues.literals(type: column.type) {
                    if isKey {
                        try insert(source, [column.name: literal], duplicate: false, register: "\(source.rawValue)|\(column.name)|\(literal)")
                        inserted += 1
                    } else {
                        // Twice as rows of their own (totals add two extremes), once as a duplicate of the template.
                        try insert(source, [column.name: literal], duplicate: false, register: "\(source.rawValue)|\(column.name)|\(literal)")
                        try insert(source, [column.name: literal], duplicate: false, register: "\(source.rawValue)|\(column.name)|\(literal)|2")
                        try insert(source, [column.name: literal], duplicate: true)
                        inserted += 3
                    }
                }
            }
        }
        // Combinations no single column reaches: the largest line amount, the largest order,
        // the largest discount at the largest rate (a currency of its own, rated before every order).
        try insert(.fxRates, ["currency": "'ZMAX'", "rate_to_base": "9999999999.99999999"], duplicate: true)
        try insert(.orders, ["currency": "'ZMAX'", "subtotal": "0", "discount_total": "9999999999.99"], duplicate: false,
                   register: "orders|discount at the largest rate")
        inserted += 2
        for _ in 0..<2 {
            try insert(.orderItems, ["quantity": "2147483647", "unit_price": "9999999999.99"], duplicate: false)
            try insert(.orders, ["subtotal": "9999999999.99", "discount_total": "9999999999.99", "total": "9999999999.99"], duplicate: false)
            inserted += 2
        }
        try execute("analyze")
        return inserted
    }

    /// The key text of the first (`copy` 2: the second) row of `source` with `column` = `literal`.
    func freshKey(_ source: SourceName, _ column: String, _ literal: String, copy: Int = 1) -> String? {
        keys["\(source.rawValue)|\(column)|\(literal)" + (copy == 1 ? "" : "|\(copy)")]
    }

    /// The key text of the row of a labelled combination (`insertMatrix`).
    func freshKey(_ source: SourceName, _ label: String) -> String? {
        keys["\(source.rawValue)|\(label)"]
    }

    /// The customer_id of the template row of `source`.
    func templateCustomer(_ source: SourceName) throws -> String {
        try first("select customer_id from shop.\(source.rawValue) where ctid = '\(templates[source] ?? "")'::tid")[0]
    }

    /// Rows of `source` the clean stage must receive: those before the cut-off (or
    /// without an event time); lines unless every row of their order is at or after it.
    func rowsInSnapshot(_ source: SourceName) throws -> Int {
        if let time = source.eventTimeColumn {
            return try store.count("select count(*) from shop.\(source.rawValue) where \(time) < \(cutoffSQL) or \(time) is null")
        }
        if source == .orderItems {
            return try store.count("""
                select count(*) from shop.order_items i
                where i.order_id is null
                   or not exists (select 1 from shop.orders o where o.order_id = i.order_id and o.placed_at >= \(cutoffSQL))
                   or exists (select 1 from shop.orders o where o.order_id = i.order_id and (o.placed_at < \(cutoffSQL) or o.placed_at is null))
                """)
        }
        return try store.count("select count(*) from shop.\(source.rawValue)")
    }

    private static func keyColumns(_ source: SourceName) -> [String] {
        switch source {
        case .customers: ["customer_id"]
        case .products: ["product_id"]
        case .sessions: ["session_id"]
        case .orders: ["order_id"]
        case .orderItems: ["order_id", "line_no"]
        case .chats: ["chat_id"]
        case .fxRates: ["day", "currency"]
        }
    }

    /// Copies the template of `source` with `overrides`; key columns not overridden get a
    /// fresh value unless `duplicate` (then the template's key: a second row of one key).
    private func insert(_ source: SourceName, _ overrides: [String: String], duplicate: Bool, register: String? = nil) throws {
        guard let template = templates[source], let columns = columns[source] else { return }
        var expressions: [String] = []
        for column in columns {
            if let literal = overrides[column.name] {
                expressions.append(literal)
            } else if !duplicate, Self.keyColumns(source).contains(column.name), let fresh = freshValue(source, column.name) {
                expressions.append(fresh)
            } else {
                expressions.append("t.\(column.name)")
            }
        }
        let names = columns.map(\.name).joined(separator: ", ")
        // The key as the clean stage writes it, returned by the insert.
        let keyText: String
        switch source {
        case .orderItems: keyText = "order_id::text || '/' || line_no::text"
        case .fxRates: keyText = "day::text || '/' || upper(btrim(currency))"
        default: keyText = "\(Self.keyColumns(source)[0])::text"
        }
        let result = try connection.simpleQuery(
            "insert into shop.\(source.rawValue) (\(names)) select \(expressions.joined(separator: ", ")) "
            + "from shop.\(source.rawValue) t where t.ctid = '\(template)'::tid returning \(keyText)")
        if let register { keys[register] = result[0][0].string }
    }

    /// A key value no generated row has; nil for the key column a source keeps from its template.
    private func freshValue(_ source: SourceName, _ column: String) -> String? {
        nextKey += 1
        switch (source, column) {
        case (.orderItems, "order_id"): return nil  // lines of the template order
        case (.orderItems, "line_no"): return "\(nextKey % 1_000_000_000)"
        case (.fxRates, "day"): return nil
        case (.fxRates, "currency"): return "'Z\(nextKey)'"
        default: return "\(nextKey)"
        }
    }

    private func first(_ sql: String) throws -> [String] {
        guard let row = try store.rows(sql).first else { throw PostgresError(code: .invalidUsage, message: "no template: \(sql)") }
        return row.map { $0 ?? "" }
    }

    private func execute(_ sql: String) throws {
        _ = try connection.simpleQuery(sql)
    }
}
