/// Joins each kept session to its customer, attributes orders to it, detects an
/// abandoned cart, and adds it to the per-snapshot activity. See docs/semantics.md, "Join".
final class SessionJoin: @unchecked Sendable {
    struct Session {
        var id: Int64
        var visitorKey: Int64      // 0: none
        var customerID: Int64?     // nil: anonymous (0 is a customer id like any other)
        var startedAt: Int64
        var endedAt: Int64
        /// `activity`'s code of the normalised channel; -1: none.
        var channel: Int32
        var productViews: Int32
        var cartAdds: Int32
        var cartProductID: Int64   // 0: none
    }

    static let attributionWindow: Int64 = 30 * 60 * 1_000_000
    static let abandonmentWindow: Int64 = 24 * 3600 * 1_000_000

    let windows: [SnapshotWindow]
    let calendar: LocalCalendar
    let customers: CustomerTable
    let orders: OrderTable
    let products: ProductCatalog
    let stitching: VisitorStitching
    let activity: SessionActivity

    init(windows: [SnapshotWindow], calendar: LocalCalendar, customers: CustomerTable, orders: OrderTable, products: ProductCatalog, stitching: VisitorStitching) {
        self.windows = windows
        self.calendar = calendar
        self.customers = customers
        self.orders = orders
        self.products = products
        self.stitching = stitching
        self.activity = SessionActivity(customers: customers.count, snapshots: windows.count)
    }

    func add(_ session: Session) {
        // The session's customer, and from which instant the stitching is known.
        let customer: Int32
        var knownSince = Int64.min
        if let customerID = session.customerID {
            guard let row = customers.row(of: customerID) else { return }
            customer = row
        } else if session.visitorKey != 0, let stitched = stitching.customer(of: session.visitorKey) {
            customer = stitched.row
            knownSince = stitched.since
        } else {
            return
        }

        // Attribution and the first order after the session start (orders are sorted by time).
        var firstOrderAfter = Int64.max
        for orderIndex in orders.orders(of: customer) {
            let order = Int(orderIndex)
            let placedAt = orders.placedAt[order]
            if placedAt >= session.startedAt, firstOrderAfter == .max { firstOrderAfter = placedAt }
            if orders.sessionID[order] == session.id {
                orders.explicitSessionConfirmed[order] = true
                orders.attributedSession[order] = session.id
                orders.attributedSessionStart[order] = session.startedAt
            } else if !orders.explicitSessionConfirmed[order], placedAt >= session.startedAt,
                      placedAt - session.startedAt <= Self.attributionWindow,
                      (session.startedAt, session.id) > (orders.attributedSessionStart[order], orders.attributedSession[order]) {
                orders.attributedSession[order] = session.id
                orders.attributedSessionStart[order] = session.startedAt
            }
        }

        let localDay = calendar.localDay(session.startedAt)
        let channel = session.channel
        let category: Int32 = session.cartProductID == 0 ? -1 : products.row(of: session.cartProductID).map { products.category[Int($0)] } ?? -1
        for (snapshot, window) in windows.enumerated() where session.startedAt < window.cutoff && knownSince < window.cutoff {
            let slot = activity.slot(snapshot: snapshot, customer: customer)
            activity.sessions[slot] += 1
            if session.startedAt > activity.lastVisit[slot] { activity.lastVisit[slot] = session.startedAt }
            if channel >= 0 { activity.channelCounts[slot * activity.channelCapacity + Int(channel)] += 1 }
            let abandoned = session.cartAdds > 0 && firstOrderAfter >= min(session.startedAt + Self.abandonmentWindow, window.cutoff)
            // The last abandoned cart counts over all time (ties: the greater session_id).
            if abandoned, (session.startedAt, session.id) > (activity.lastAbandonedAt[slot], activity.lastAbandonedSession[slot]) {
                activity.lastAbandonedAt[slot] = session.startedAt
                activity.lastAbandonedSession[slot] = session.id
                activity.lastAbandonedCategory[slot] = category
            }
            guard window.isRecent(localDay, days: 90) else { continue }
            activity.sessions90[slot] += 1
            activity.productViews90[slot].saturatingAdd(session.productViews)
            activity.cartAdds90[slot].saturatingAdd(session.cartAdds)
            if window.isRecent(localDay, days: 30) { activity.sessions30[slot] += 1 }
            if abandoned { activity.abandoned90[slot] += 1 }
        }
    }
}
