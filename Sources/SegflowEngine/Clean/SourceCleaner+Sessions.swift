import PostgresClient

extension SourceCleaner {
    /// The first pass (session ids only): finds the ids that occur more than once.
    func consumeSessionID(_ row: BinaryCopyRow, seen: inout Int64Set) throws {
        if let id = try row.int64(SessionColumn.sessionID), !seen.insert(id) { duplicateSessionIDs.insert(id) }
    }

    /// The checks of a session row itself, whatever its duplicates (docs/semantics.md).
    func rowRejectReason(startedAt: Int64, endedAt: Int64, customerID: Int64?, pageViews: Int32, productViews: Int32, categoryViews: Int32, cartAdds: Int32) -> QuarantineReason? {
        if startedAt > runStartedAt { return .futureTimestamp }
        if pageViews > 500 || (pageViews > 50 && endedAt.saturatingSubtracting(startedAt) < 60_000_000) { return .bot }
        if let customerID, customers.row(of: customerID) == nil { return .orphanCustomer }
        if pageViews < 0 || productViews < 0 || categoryViews < 0 || cartAdds < 0 { return .negativeAmount }
        return nil
    }

    /// A row of `SessionColumn`s.
    ///
    /// Logged-in sessions join at once and teach the stitching which customer their visitor
    /// is; anonymous ones need the whole stitching, so those that pass their checks are held
    /// (in `anonymous`) and joined after the stream.
    func consumeSession(_ row: BinaryCopyRow, join: SessionJoin, held: inout [(SessionJoin.Session, SessionCounts, [QuarantineRecord.RawValue])],
                        anonymous: inout AnonymousSessions) throws {
        let box = log(.sessions)
        box.log.receive()
        let started = try row.timestamp(SessionColumn.startedAt)
        // -infinity places no session in time: not a login, rejected below.
        let startedAt = started.flatMap { $0.isFinite ? $0.microsecondsSince2000 : nil }
        let customerID = try row.int64(SessionColumn.customerID)
        let visitorKey = row.withBytes(SessionColumn.visitorID) { StableHash.visitorKey($0) } ?? nil
        let endedAt = try row.timestamp(SessionColumn.endedAt)?.microsecondsSince2000 ?? startedAt
        let counts = SessionCounts(pageViews: try row.int32(SessionColumn.pageViews) ?? 0, categoryViews: try row.int32(SessionColumn.categoryViews) ?? 0)
        let productViews = try row.int32(SessionColumn.productViews) ?? 0
        let cartAdds = try row.int32(SessionColumn.cartAdds) ?? 0
        // Visitor stitching counts every logged-in row that passes the row checks, whatever
        // its key or duplicates (docs/semantics.md, "Join").
        if let customerID, let startedAt, let visitorKey, let customer = customers.row(of: customerID),
           rowRejectReason(startedAt: startedAt, endedAt: endedAt ?? startedAt, customerID: customerID, pageViews: counts.pageViews,
                           productViews: productViews, categoryViews: counts.categoryViews, cartAdds: cartAdds) == nil {
            stitching.recordLogin(visitorKey: visitorKey, customerRow: customer, at: startedAt)
        }
        guard let id = try row.int64(SessionColumn.sessionID) else {
            box.log.reject(key: "", reason: .missingKey, raw: RawValues.render(row, source: .sessions))
            return
        }
        guard let startedAt else {
            let reason = started == nil ? QuarantineReason.missingValue : .invalidValue
            box.log.reject(key: String(id), reason: reason, raw: RawValues.render(row, source: .sessions))
            return
        }
        let session = SessionJoin.Session(
            id: id,
            visitorKey: visitorKey ?? 0,
            customerID: customerID,
            startedAt: startedAt,
            endedAt: endedAt ?? startedAt,
            channel: try sessionChannels.value(row, SessionColumn.channel.position) { join.activity.channelCode(TextNormalization.lowerTrimmed($0)) },
            productViews: productViews,
            cartAdds: cartAdds,
            cartProductID: try row.int64(SessionColumn.cartProductID) ?? 0
        )
        if duplicateSessionIDs.contains(id) {
            // Resolved after the stream, when every copy has been seen.
            held.append((session, counts, RawValues.render(row, source: .sessions)))
            return
        }
        if session.customerID == nil {
            if let reason = rowReason(session, counts: counts) {
                box.log.reject(key: String(id), reason: reason, raw: RawValues.render(row, source: .sessions))
            } else if session.visitorKey != 0 {
                anonymous.append(session)
            }
            return
        }
        admitSession(session, counts: counts, join: join, raw: RawValues.render(row, source: .sessions))
    }

    /// After the stream, with the stitching complete: joins the held anonymous sessions
    /// (already checked), then resolves the duplicated ids.
    func finishSessions(anonymous: inout AnonymousSessions, held: [(SessionJoin.Session, SessionCounts, [QuarantineRecord.RawValue])], join: SessionJoin) {
        anonymous.drain { join.add($0) }
        resolveHeldSessions(held, join: join)
    }

    private func rowReason(_ session: SessionJoin.Session, counts: SessionCounts) -> QuarantineReason? {
        rowRejectReason(startedAt: session.startedAt, endedAt: session.endedAt, customerID: session.customerID,
                        pageViews: counts.pageViews, productViews: session.productViews,
                        categoryViews: counts.categoryViews, cartAdds: session.cartAdds)
    }

    /// Validates a deduplicated session and hands it to the join.
    func admitSession(_ session: SessionJoin.Session, counts: SessionCounts, join: SessionJoin, raw: @autoclosure () -> [QuarantineRecord.RawValue]) {
        if let reason = rowReason(session, counts: counts) {
            log(.sessions).log.reject(key: String(session.id), reason: reason, raw: raw())
            return
        }
        join.add(session)
    }

    /// After the stream: of each duplicated session id the copy with the greatest ended_at wins.
    func resolveHeldSessions(_ held: [(SessionJoin.Session, SessionCounts, [QuarantineRecord.RawValue])], join: SessionJoin) {
        let box = log(.sessions)
        // Greatest ended_at first; exact ties keep the copy that arrived first. (Not by
        // negating ended_at: -infinity is Int64.min, which has no negation.)
        let sorted = held.enumerated().sorted {
            ($0.element.0.id, $1.element.0.endedAt, $0.offset) < ($1.element.0.id, $0.element.0.endedAt, $1.offset)
        }
        var previous: Int64?
        for (session, counts, raw) in sorted.map(\.element) {
            if previous == session.id {
                box.log.reject(key: String(session.id), reason: .duplicate, raw: raw)
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
