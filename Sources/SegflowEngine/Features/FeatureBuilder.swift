import Dispatch
import Foundation
import PostgresClient

/// Computes `FeatureColumns` for one snapshot from the joined model, with parallel
/// workers over partitions of customers. Definitions: FeatureKey and
/// docs/semantics.md. Only features of origin `.builder`: the model features stay null
/// (NaN) here and are filled by the model stage after the snapshot is handed over.
struct FeatureBuilder {
    let window: SnapshotWindow
    let calendar: LocalCalendar
    let customers: CustomerTable
    let products: ProductCatalog
    let orders: OrderTable
    let items: ItemTable
    let sessions: SessionActivity
    let chats: ChatActivity
    let snapshot: Int
    let workers: Int

    func build() -> FeatureColumns {
        // Customers of the snapshot, by id so output is reproducible whatever the source order.
        var rows = (0..<customers.count).filter { customers.kept[$0] && customers.createdAt[$0] < window.cutoff }
        rows.sort { customers.ids[$0] < customers.ids[$1] }
        let count = rows.count
        let partitions = max(1, min(count / 2_000 + 1, workers * 8))
        let filled = ColumnBuffers.fill(rows: count) { columns in
            let shared = UncheckedSendable((self, rows, columns))
            Parallel.forEachPartition(rows: count, count: partitions) { outputs in
                let (builder, rows, columns) = shared.value
                var scratch = CustomerScratch()
                for output in outputs {
                    builder.computeCustomer(Int32(rows[output]), into: columns, at: output, scratch: &scratch)
                }
            }
        }
        var result = FeatureColumns(customerIDs: rows.map { customers.ids[$0] }, numberColumns: filled.numbers, textColumns: filled.texts)
        RFMScorer.score(&result)
        return result
    }

    /// Reusable per-worker buffers, so the per-customer loop does not allocate.
    struct CustomerScratch {
        var purchaseDays: [Int32] = []
        var lineRevenue: [Int64] = []
        var lineBought: [Bool] = []
        var categories: [Bool] = []
        var attributedSessions: [Int64] = []
        var dayRevenue: [Int64] = []
    }

    private func computeCustomer(_ customer: Int32, into columns: ColumnBuffers, at row: Int, scratch: inout CustomerScratch) {
        let c = Int(customer)
        let D = window.day
        var frequency = 0, cancelled = 0, refunded = 0
        var monetary: Int64 = 0
        var orders7 = 0, orders30 = 0, orders90 = 0, orders365 = 0
        var monetary30: Int64 = 0, monetary90: Int64 = 0, monetary365: Int64 = 0
        var discountedOrders = 0
        var discountRateSum = 0.0
        var units: Int64 = 0, launchUnits: Int64 = 0, replenishUnits: Int64 = 0
        var lineTotal: Int64 = 0
        scratch.purchaseDays.removeAll(keepingCapacity: true)
        scratch.dayRevenue.removeAll(keepingCapacity: true)
        scratch.attributedSessions.removeAll(keepingCapacity: true)
        if scratch.lineRevenue.count < products.productLines.count {
            scratch.lineRevenue = Array(repeating: 0, count: products.productLines.count)
            scratch.lineBought = Array(repeating: false, count: products.productLines.count)
        } else {
            for index in scratch.lineRevenue.indices {
                scratch.lineRevenue[index] = 0
                scratch.lineBought[index] = false
            }
        }
        if scratch.categories.count < products.categories.count {
            scratch.categories = Array(repeating: false, count: products.categories.count)
        } else {
            for index in scratch.categories.indices { scratch.categories[index] = false }
        }

        for orderIndex in orders.orders(of: customer) {
            let order = Int(orderIndex)
            let placedAt = orders.placedAt[order]
            guard placedAt < window.cutoff else { break }
            if orders.attributedSession[order] != 0, orders.attributedSessionStart[order] < window.cutoff {
                scratch.attributedSessions.append(orders.attributedSession[order])
            }
            switch orders.status[order] {
            case .cancelled: cancelled += 1; continue
            case .refunded: refunded += 1; continue
            case .completed: break
            default: continue
            }
            frequency += 1
            let net = orders.netCents[order]
            let day = orders.localDay[order]
            // Saturating: amounts are only as bounded as numeric(12,2) × rate (docs/operations.md, "Limits").
            monetary.saturatingAdd(net)
            if window.isRecent(day, days: 7) { orders7 += 1 }
            if window.isRecent(day, days: 30) { orders30 += 1; monetary30.saturatingAdd(net) }
            if window.isRecent(day, days: 90) { orders90 += 1; monetary90.saturatingAdd(net) }
            if window.isRecent(day, days: 365) { orders365 += 1; monetary365.saturatingAdd(net) }
            if scratch.purchaseDays.last == day {
                scratch.dayRevenue[scratch.dayRevenue.count - 1].saturatingAdd(net)
            } else {
                scratch.purchaseDays.append(day)
                scratch.dayRevenue.append(net)
            }
            let subtotal = orders.subtotalCents[order]
            discountRateSum += subtotal == 0 ? 0 : Double(orders.discountCents[order]) / Double(subtotal)
            var lineDiscount = false
            for lineIndex in items.lines(of: orderIndex) {
                let line = Int(lineIndex)
                let product = Int(items.product[line])
                let quantity = Int64(items.quantity[line])
                if items.discountCents[line] > 0 { lineDiscount = true }
                units += quantity
                let launched = products.launchedAt[product]
                if launched != .min, placedAt >= launched, placedAt - launched <= 30 * LocalCalendar.microsecondsPerDay {
                    launchUnits += quantity
                }
                if products.replenishable[product] { replenishUnits += quantity }
                let lineCode = products.productLine[product]
                if lineCode >= 0 {
                    scratch.lineRevenue[Int(lineCode)].saturatingAdd(items.netCents[line])
                    scratch.lineBought[Int(lineCode)] = true
                }
                lineTotal.saturatingAdd(items.netCents[line])
                let category = products.category[product]
                if category >= 0 { scratch.categories[Int(category)] = true }
            }
            if orders.discountCents[order] > 0 || orders.hasCoupon[order] || lineDiscount { discountedOrders += 1 }
        }

        let f = columns
        f.set(.frequency, row, Double(frequency))
        f.set(.monetary, row, Double(monetary) / 100)
        f.set(.cancelledOrders, row, Double(cancelled))
        f.set(.refundedOrders, row, Double(refunded))
        f.set(.orders7d, row, Double(orders7))
        f.set(.orders30d, row, Double(orders30))
        f.set(.orders90d, row, Double(orders90))
        f.set(.orders365d, row, Double(orders365))
        f.set(.monetary30d, row, Double(monetary30) / 100)
        f.set(.monetary90d, row, Double(monetary90) / 100)
        f.set(.monetary365d, row, Double(monetary365) / 100)
        f.set(.tenureDays, row, Double(D - calendar.localDay(customers.createdAt[c])))
        if frequency > 0, let first = scratch.purchaseDays.first, let last = scratch.purchaseDays.last {
            f.set(.recencyDays, row, Double(D - last))
            f.set(.aov, row, Double(Self.divideRounded(monetary, frequency)) / 100)
            f.set(.firstOrderDate, row, Double(first))
            f.set(.lastOrderDate, row, Double(last))
            f.set(.discountedOrderShare, row, Double(discountedOrders) / Double(frequency))
            f.set(.fullPriceOrderShare, row, Double(frequency - discountedOrders) / Double(frequency))
            f.set(.avgDiscountRate, row, discountRateSum / Double(frequency))
            f.set(.distinctCategories, row, Double(scratch.categories.lazy.filter { $0 }.count))
            if units > 0 {
                f.set(.newLaunchItemShare, row, Double(launchUnits) / Double(units))
                f.set(.replenishableItemShare, row, Double(replenishUnits) / Double(units))
            }
            var top = -1
            for line in 0..<products.productLines.count where scratch.lineBought[line] {
                if top == -1 || scratch.lineRevenue[line] > scratch.lineRevenue[top]
                    || (scratch.lineRevenue[line] == scratch.lineRevenue[top] && products.productLines.values[line] < products.productLines.values[top]) {
                    top = line
                }
            }
            if top >= 0 {
                f.setText(.topProductLine, row, products.productLines.values[top])
                if lineTotal != 0 { f.set(.topProductLineShare, row, Double(scratch.lineRevenue[top]) / Double(lineTotal)) }
            }
            // BTYD summary (lifetimes, freq 'D').
            let days = scratch.purchaseDays
            f.set(.btydFrequency, row, Double(days.count - 1))
            f.set(.btydRecency, row, Double(last - first))
            f.set(.btydT, row, Double(D - first))
            let repeatRevenue = scratch.dayRevenue.dropFirst().reduce(Int64(0)) { $0.saturatingAdding($1) }
            f.set(.btydMonetaryValue, row, days.count > 1 ? Double(repeatRevenue) / (100 * Double(days.count - 1)) : 0)
            if days.count >= 2 {
                var gaps = (1..<days.count).map { Double(days[$0] - days[$0 - 1]) }
                gaps.sort()
                let median = gaps.count % 2 == 1 ? gaps[gaps.count / 2] : (gaps[gaps.count / 2 - 1] + gaps[gaps.count / 2]) / 2
                let next = last + Int32(median.rounded(.toNearestOrAwayFromZero))
                f.set(.medianDaysBetweenOrders, row, median)
                f.set(.nextExpectedOrderDate, row, Double(next))
                f.set(.daysUntilNextOrder, row, Double(next - D))
            }
        } else {
            f.set(.distinctCategories, row, 0)
        }

        // Sessions.
        let s = sessions.slot(snapshot: snapshot, customer: customer)
        let sessionCount = Int(sessions.sessions[s])
        f.set(.sessionsTotal, row, Double(sessionCount))
        f.set(.sessions30d, row, Double(sessions.sessions30[s]))
        f.set(.sessions90d, row, Double(sessions.sessions90[s]))
        f.set(.productViews90d, row, Double(sessions.productViews90[s]))
        f.set(.cartAdds90d, row, Double(sessions.cartAdds90[s]))
        f.set(.cartAbandonments90d, row, Double(sessions.abandoned90[s]))
        scratch.attributedSessions.sort()
        var distinctAttributed = 0
        var previous: Int64 = 0
        for session in scratch.attributedSessions where session != previous {
            distinctAttributed += 1
            previous = session
        }
        f.set(.sessionsWithoutOrder, row, Double(max(0, sessionCount - distinctAttributed)))
        if sessions.lastVisit[s] != .min {
            f.set(.daysSinceLastVisit, row, Double(D - calendar.localDay(sessions.lastVisit[s])))
        }
        if sessions.lastAbandonedAt[s] != .min {
            f.setText(.lastAbandonedCategory, row, products.categories.value(sessions.lastAbandonedCategory[s]))
        }
        if sessionCount > 0 {
            var best = -1
            var bestCount: Int32 = 0
            for channel in 0..<sessions.channels.count {
                let count = sessions.channelCounts[s * sessions.channelCapacity + channel]
                guard count > 0 else { continue }
                if best == -1 || count > bestCount || (count == bestCount && sessions.channels.values[channel] < sessions.channels.values[best]) {
                    best = channel
                    bestCount = count
                }
            }
            if best >= 0 { f.setText(.preferredChannel, row, sessions.channels.values[best]) }
        }

        // Chats.
        let h = chats.slot(snapshot: snapshot, customer: customer)
        let chatCount = Int(chats.chats[h])
        f.set(.chats, row, Double(chatCount))
        f.set(.chats90d, row, Double(chats.chats90[h]))
        // An int4 column: the sum saturates there (docs/operations.md, "Limits").
        f.set(.customerMessages, row, Double(min(chats.messages[h], Int64(Int32.max))))
        f.set(.escalations, row, Double(chats.escalations[h]))
        if chatCount > 0 {
            f.set(.questionsPerChat, row, Double(chats.questions[h]) / Double(chatCount))
            f.set(.messagesPerChat, row, Double(chats.messages[h]) / Double(chatCount))
            f.set(.escalationRate, row, Double(chats.escalations[h]) / Double(chatCount))
        }
        if chats.sentimentCount[h] > 0 { f.set(.avgSentiment, row, chats.sentimentSum[h] / Double(chats.sentimentCount[h])) }
        if chats.csatCount[h] > 0 {
            f.set(.avgCsat, row, Double(chats.csatSum[h]) / Double(chats.csatCount[h]))
            f.set(.minCsat, row, Double(chats.minCsat[h]))
        }

        // Profile.
        f.setText(.country, row, customers.country[c])
        f.setText(.city, row, customers.city[c])
        f.set(.newsletterOptIn, row, customers.newsletter[c] ? 1 : 0)
        f.setText(.acquisitionChannel, row, customers.acquisitionChannel[c])
        if customers.birthDay[c] != .min {
            f.setText(.ageBand, row, Self.ageBand(birth: customers.birthDay[c], on: D))
        }
    }

    /// `round(a / b)` half away from zero, for money.
    static func divideRounded(_ numerator: Int64, _ denominator: Int) -> Int64 {
        let d = Int64(denominator)
        let quotient = numerator / d, remainder = numerator % d
        if 2 * abs(remainder) >= d { return quotient + (numerator < 0 ? -1 : 1) }
        return quotient
    }

    static func ageBand(birth: Int32, on day: Int32) -> String {
        let b = PostgresDate(daysSince1970: birth).components
        let d = PostgresDate(daysSince1970: day).components
        var age = d.year - b.year
        if (d.month, d.day) < (b.month, b.day) { age -= 1 }
        switch age {
        case ..<25: return "<25"
        case 25..<35: return "25-34"
        case 35..<45: return "35-44"
        case 45..<55: return "45-54"
        case 55..<65: return "55-64"
        default: return "65+"
        }
    }
}
