import PostgresClient

extension SourceCleaner {
    /// The first pass (the columns of `sessionKeyColumns`): finds duplicate session ids and
    /// which customer each visitor is, from every session row that passes the row checks.
    func consumeSessionKeys(_ row: BinaryCopyRow, seen: inout Int64Set) throws {
        if let id = try row.int64(0), !seen.insert(id) { duplicateSessionIDs.insert(id) }
        guard let customerID = try row.int64(2), let startedAt = try row.timestamp(3)?.microsecondsSince2000,
              let customer = customers.row(of: customerID),
              let visitorKey = row.withBytes(1, { StableHash.visitorKey($0) }) ?? nil,
              rowRejectReason(startedAt: startedAt, endedAt: try row.timestamp(4)?.microsecondsSince2000 ?? startedAt,
                              customerID: customerID, pageViews: try row.int32(5) ?? 0, productViews: try row.int32(6) ?? 0,
                              categoryViews: try row.int32(7) ?? 0, cartAdds: try row.int32(8) ?? 0) == nil else { return }
        stitching.recordLogin(visitorKey: visitorKey, customerRow: customer, at: startedAt)
    }

    /// The checks of a session row itself, whatever its duplicates (docs/semantics.md).
    func rowRejectReason(startedAt: Int64, endedAt: Int64, customerID: Int64, pageViews: Int32, productViews: Int32, categoryViews: Int32, cartAdds: Int32) -> String? {
        if startedAt > runStartedAt { return "future_timestamp" }
        if pageViews > 500 || (pageViews > 50 && endedAt - startedAt < 60_000_000) { return "bot" }
        if customerID != 0, customers.row(of: customerID) == nil { return "orphan_customer" }
        if pageViews < 0 || productViews < 0 || categoryViews < 0 || cartAdds < 0 { return "negative_amount" }
        return nil
    }

    /// Columns: session_id, visitor_id, customer_id, started_at, ended_at, channel,
    /// page_views, product_views, cart_adds, cart_product_id.
    func consumeSession(_ row: BinaryCopyRow, join: SessionJoin, held: inout [(SessionJoin.Session, SessionCounts, [QuarantineRecord.RawValue])]) throws {
        let box = log(.sessions)
        box.log.receive()
        guard let id = try row.int64(0) else {
            box.log.reject(key: "", reason: "missing_key", raw: RawValues.render(row, source: .sessions))
            return
        }
        guard let startedAt = try row.timestamp(3)?.microsecondsSince2000 else {
            box.log.reject(key: String(id), reason: "missing_value", raw: RawValues.render(row, source: .sessions))
            return
        }
        let counts = SessionCounts(pageViews: try row.int32(6) ?? 0, categoryViews: try row.int32(8) ?? 0)
        let session = SessionJoin.Session(
            id: id,
            visitorKey: (row.withBytes(1) { StableHash.visitorKey($0) } ?? nil) ?? 0,
            customerID: try row.int64(2) ?? 0,
            startedAt: startedAt,
            endedAt: try row.timestamp(4)?.microsecondsSince2000 ?? startedAt,
            channel: TextNormalization.lowerTrimmed(try row.string(5)),
            productViews: try row.int32(7) ?? 0,
            cartAdds: try row.int32(9) ?? 0,
            cartProductID: try row.int64(10) ?? 0
        )
        if duplicateSessionIDs.contains(id) {
            // Resolved after the stream, when every copy has been seen.
            held.append((session, counts, RawValues.render(row, source: .sessions)))
            return
        }
        admitSession(session, counts: counts, join: join, raw: RawValues.render(row, source: .sessions))
    }

    /// Validates a deduplicated session and hands it to the join.
    func admitSession(_ session: SessionJoin.Session, counts: SessionCounts, join: SessionJoin, raw: @autoclosure () -> [QuarantineRecord.RawValue]) {
        if let reason = rowRejectReason(startedAt: session.startedAt, endedAt: session.endedAt, customerID: session.customerID,
                                        pageViews: counts.pageViews, productViews: session.productViews,
                                        categoryViews: counts.categoryViews, cartAdds: session.cartAdds) {
            log(.sessions).log.reject(key: String(session.id), reason: reason, raw: raw())
            return
        }
        join.add(session)
    }

    /// After the stream: of each duplicated session id the copy with the greatest ended_at wins.
    func resolveHeldSessions(_ held: [(SessionJoin.Session, SessionCounts, [QuarantineRecord.RawValue])], join: SessionJoin) {
        let box = log(.sessions)
        // Greatest ended_at first; exact ties keep the copy that arrived first.
        let sorted = held.enumerated().sorted {
            ($0.element.0.id, -$0.element.0.endedAt, $0.offset) < ($1.element.0.id, -$1.element.0.endedAt, $1.offset)
        }
        var previous: Int64?
        for (session, counts, raw) in sorted.map(\.element) {
            if previous == session.id {
                box.log.reject(key: String(session.id), reason: "duplicate", raw: raw)
            } else {
                admitSession(session, counts: counts, join: join, raw: raw)
            }
            previous = session.id
        }
    }
}

/// Session counters only the checks read.
struct SessionCounts {
    var pageViews: Int32
    var categoryViews: Int32
}
