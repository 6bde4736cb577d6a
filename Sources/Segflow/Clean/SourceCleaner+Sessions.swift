import PostgresClient

extension SourceCleaner {
    /// The narrow first pass (session_id, visitor_id, customer_id, started_at): finds
    /// duplicate session ids and which customer each visitor is.
    func consumeSessionKeys(_ row: BinaryCopyRow, seen: inout Int64Set) throws {
        if let id = try row.int64(0), !seen.insert(id) { duplicateSessionIDs.insert(id) }
        guard let customerID = try row.int64(2), let startedAt = try row.timestamp(3)?.microsecondsSince2000,
              let customer = customers.row(of: customerID),
              let visitorKey = row.withBytes(1, { StableHash.fnv1a($0) }) else { return }
        stitching.recordLogin(visitorKey: visitorKey, customerRow: customer, at: startedAt)
    }

    /// Columns: session_id, visitor_id, customer_id, started_at, ended_at, channel,
    /// page_views, product_views, cart_adds, cart_product_id.
    func consumeSession(_ row: BinaryCopyRow, join: SessionJoin, held: inout [(SessionJoin.Session, Int32, [QuarantineRecord.RawValue])]) throws {
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
        let pageViews = try row.int32(6) ?? 0
        let session = SessionJoin.Session(
            id: id,
            visitorKey: row.withBytes(1) { StableHash.fnv1a($0) } ?? 0,
            customerID: try row.int64(2) ?? 0,
            startedAt: startedAt,
            endedAt: try row.timestamp(4)?.microsecondsSince2000 ?? startedAt,
            channel: TextNormalization.lowerTrimmed(try row.string(5)),
            productViews: try row.int32(7) ?? 0,
            cartAdds: try row.int32(8) ?? 0,
            cartProductID: try row.int64(9) ?? 0
        )
        if duplicateSessionIDs.contains(id) {
            // Resolved after the stream, when every copy has been seen.
            held.append((session, pageViews, RawValues.render(row, source: .sessions)))
            return
        }
        admitSession(session, pageViews: pageViews, join: join, raw: RawValues.render(row, source: .sessions))
    }

    /// Validates a deduplicated session and hands it to the join.
    func admitSession(_ session: SessionJoin.Session, pageViews: Int32, join: SessionJoin, raw: @autoclosure () -> [QuarantineRecord.RawValue]) {
        let box = log(.sessions)
        let reason: String?
        if session.startedAt > runStartedAt {
            reason = "future_timestamp"
        } else if pageViews > 500 || (pageViews > 50 && session.endedAt - session.startedAt < 60_000_000) {
            reason = "bot"
        } else if session.customerID != 0, customers.row(of: session.customerID) == nil {
            reason = customers.testAccountIDs.contains(session.customerID) ? "test_account" : "orphan_customer"
        } else if pageViews < 0 || session.productViews < 0 || session.cartAdds < 0 {
            reason = "negative_amount"
        } else {
            reason = nil
        }
        if let reason {
            box.log.reject(key: String(session.id), reason: reason, raw: raw())
            return
        }
        join.add(session)
    }

    /// After the stream: of each duplicated session id the copy with the greatest ended_at wins.
    func resolveHeldSessions(_ held: [(SessionJoin.Session, Int32, [QuarantineRecord.RawValue])], join: SessionJoin) {
        let box = log(.sessions)
        let sorted = held.sorted { ($0.0.id, -$0.0.endedAt) < ($1.0.id, -$1.0.endedAt) }
        var previous: Int64?
        for (session, pageViews, raw) in sorted {
            if previous == session.id {
                box.log.reject(key: String(session.id), reason: "duplicate", raw: raw)
            } else {
                admitSession(session, pageViews: pageViews, join: join, raw: raw)
            }
            previous = session.id
        }
    }
}
