import PostgresClient
import SegflowEngine

/// segment_kpis, kpi_snapshots and segment_transitions of one snapshot: the only
/// implementation segflow publishes with. The publisher feeds it the features and
/// memberships it holds anyway, or, for the snapshot after one published out of order,
/// those it reads back from that snapshot's partitions.
///
/// The formulas are the column comments (docs/output-tables.md); the SQL of
/// `sql/reference/kpis/` states them too and is the tests' oracle. Integer and money sums
/// are exact (cents), ratios are float8 divisions, `aov_30d` rounds half away from zero
/// like `round(numeric, 2)`, and means of float8 columns add in feature row order.
struct SnapshotComparisons {
    /// The measures of one group of customers (a segment's members, or everyone).
    struct Totals {
        var members: Int64 = 0
        var buyers: Int64 = 0
        var repeatBuyers: Int64 = 0
        var revenueCents: Int64 = 0
        var orders30d: Int64 = 0
        var sessions30d: Int64 = 0
        var orders90d: Int64 = 0
        var cartAbandonments90d: Int64 = 0
        var csatSum = 0.0
        var csatCount: Int64 = 0
        var discountSum = 0.0
        var discountCount: Int64 = 0

        mutating func add(row: Int, _ measures: Measures) {
            members += 1
            let frequency = measures.frequency[row]
            let isBuyer = frequency >= 1  // NaN (null) is neither
            if isBuyer { buyers += 1 }
            if frequency >= 2 { repeatBuyers += 1 }
            revenueCents &+= measures.revenueCents[row]
            orders30d &+= measures.orders30d[row]
            sessions30d &+= measures.sessions30d[row]
            orders90d &+= measures.orders90d[row]
            cartAbandonments90d &+= measures.cartAbandonments90d[row]
            let csat = measures.avgCSAT[row]
            if !csat.isNaN {
                csatSum += csat
                csatCount += 1
            }
            let discount = measures.discountedOrderShare[row]
            if isBuyer, !discount.isNaN {
                discountSum += discount
                discountCount += 1
            }
        }

        /// round(revenue_30d / orders_30d, 2), half away from zero, in cents; nil when orders_30d = 0.
        var aov30dCents: Int64? { Self.roundedCents(revenueCents, per: orders30d) }

        /// round(revenue_30d / members, 2), half away from zero, in cents; nil without members.
        var revenuePerMember30dCents: Int64? { Self.roundedCents(revenueCents, per: members) }

        /// round(cents / divisor, 2) like PostgreSQL's round(numeric, 2): half away from zero; nil when divisor = 0.
        static func roundedCents(_ cents: Int64, per divisor: Int64) -> Int64? {
            guard divisor != 0 else { return nil }
            let quotient = cents / divisor
            let remainder = cents % divisor
            guard remainder.magnitude * 2 >= divisor.magnitude else { return quotient }
            return quotient + ((cents < 0) == (divisor < 0) ? 1 : -1)
        }

        var conversionRate30d: Double? { sessions30d == 0 ? nil : Double(orders30d) / Double(sessions30d) }
        var repeatPurchaseRate: Double? { buyers == 0 ? nil : Double(repeatBuyers) / Double(buyers) }
        var cartAbandonmentRate90d: Double? {
            let ended = cartAbandonments90d + orders90d
            return ended == 0 ? nil : Double(cartAbandonments90d) / Double(ended)
        }
        var avgCSAT: Double? { csatCount == 0 ? nil : csatSum / Double(csatCount) }
        var discountedOrderShare: Double? { discountCount == 0 ? nil : discountSum / Double(discountCount) }
    }

    /// The feature columns the KPIs read, one value per customer row; nulls are 0 in sums.
    struct Measures {
        var frequency: [Double]
        var revenueCents: [Int64]
        var orders30d: [Int64]
        var sessions30d: [Int64]
        var orders90d: [Int64]
        var cartAbandonments90d: [Int64]
        var avgCSAT: [Double]
        var discountedOrderShare: [Double]

        init(
            frequency: [Double], revenueCents: [Int64], orders30d: [Int64], sessions30d: [Int64], orders90d: [Int64],
            cartAbandonments90d: [Int64], avgCSAT: [Double], discountedOrderShare: [Double]
        ) {
            self.frequency = frequency
            self.revenueCents = revenueCents
            self.orders30d = orders30d
            self.sessions30d = sessions30d
            self.orders90d = orders90d
            self.cartAbandonments90d = cartAbandonments90d
            self.avgCSAT = avgCSAT
            self.discountedOrderShare = discountedOrderShare
        }

        init(features: FeatureColumns) throws {
            func column(_ feature: FeatureKey) throws -> [Double] {
                let values = features.numbers(feature)
                guard values.count == features.count else {
                    throw FeatureColumnsShapeError(problem: "feature \(feature.name) has \(values.count) values for \(features.count) customers")
                }
                return values
            }
            // Same conversions as FeatureRowEncoder (which has checked the values by now).
            func integers(_ feature: FeatureKey) throws -> [Int64] {
                try column(feature).map { $0.isNaN ? 0 : Int64(exactly: $0) ?? 0 }
            }
            frequency = try column(.frequency)
            revenueCents = try column(.monetary30d).map { $0.isFinite ? Int64(($0 * 100).rounded()) : 0 }
            orders30d = try integers(.orders30d)
            sessions30d = try integers(.sessions30d)
            orders90d = try integers(.orders90d)
            cartAbandonments90d = try integers(.cartAbandonments90d)
            avgCSAT = try column(.avgCsat)
            discountedOrderShare = try column(.discountedOrderShare)
        }
    }

    struct SegmentRow {
        var segmentationKey: String
        var segmentKey: String
        var totals: Totals
        /// The members outside / inside the segment's control group (together: `totals`).
        var treatment: Totals
        var control: Totals
        var joined: Int64?
        var left: Int64?
    }

    struct Transition: Hashable {
        var segmentationKey: String
        var from: String?
        var to: String?
    }

    /// The previous published snapshot, as far as the comparisons need it. Its segment
    /// indices refer to the same catalog as the snapshot's (`catalog` covers both).
    struct Previous {
        var asOf: PostgresDate
        var customerIDs: [Int64]
        var memberships: MembershipTable
    }

    /// A published snapshot whose comparisons are computed again (the one after an as_of
    /// published out of order), as read back from its partitions. Its memberships' segment
    /// indices refer to `memberships.catalog`.
    struct Published {
        var customerIDs: [Int64]
        var measures: Measures
        var memberships: StagedMemberships
        var definedSegments: [SegmentCatalog.Key]
    }

    var customers: Int64
    var store: Totals
    var newCustomers: Int64?
    var removedCustomers: Int64?
    var segments: [SegmentRow]
    var transitions: [(transition: Transition, customers: Int64)]

    init(
        customerIDs: [Int64],
        measures: Measures,
        staged: StagedMemberships,
        catalog: SegmentCatalog,
        definedSegments: [SegmentCatalog.Key],
        previous: Previous?
    ) {
        var catalog = catalog
        customers = Int64(customerIDs.count)
        var store = Totals()
        for row in 0..<customerIDs.count { store.add(row: row, measures) }
        self.store = store

        if let previous {
            let now = Set(customerIDs)
            let before = Set(previous.customerIDs)
            newCustomers = Int64(customerIDs.count - now.intersection(before).count)
            removedCustomers = Int64(before.subtracting(now).count)
        }

        // Listed segments: defined ones in definition order, then any other with members
        // now or (when there is a previous snapshot) before.
        var listed: [Int32] = []
        var isListed: [Bool] = []
        func list(_ segment: Int32) {
            if Int(segment) >= isListed.count { isListed += [Bool](repeating: false, count: Int(segment) + 1 - isListed.count) }
            if !isListed[Int(segment)] {
                isListed[Int(segment)] = true
                listed.append(segment)
            }
        }
        for key in definedSegments {
            list(catalog.index(segmentationKey: key.segmentationKey, segmentKey: key.segmentKey))
        }
        let segmentCount = catalog.keys.count
        var totals = [Totals](repeating: Totals(), count: segmentCount)
        var treatment = totals
        var control = totals
        for index in 0..<staged.table.count {
            let segment = Int(staged.table.segments[index])
            let row = Int(staged.rows[index])
            totals[segment].add(row: row, measures)
            if staged.table.isControl[index] {
                control[segment].add(row: row, measures)
            } else {
                treatment[segment].add(row: row, measures)
            }
        }
        for (segment, total) in totals.enumerated() where total.members > 0 { list(Int32(segment)) }

        var joined: [Int64]?
        var left: [Int64]?
        if let previous {
            for segment in Set(previous.memberships.segments).sorted() { list(segment) }
            let movements = Self.movements(now: staged.table, before: previous.memberships, segmentCount: segmentCount)
            joined = movements.joined
            left = movements.left
        }
        segments = listed.map { segment in
            let key = catalog.keys[Int(segment)]
            return SegmentRow(
                segmentationKey: key.segmentationKey, segmentKey: key.segmentKey,
                totals: totals[Int(segment)], treatment: treatment[Int(segment)], control: control[Int(segment)],
                joined: joined?[Int(segment)], left: left?[Int(segment)]
            )
        }
        transitions = Self.countTransitions(now: staged.table, before: previous?.memberships, catalog: catalog)
    }

    /// Per segment: members now that were not members before, and the reverse.
    private static func movements(now: MembershipTable, before: MembershipTable, segmentCount: Int) -> (joined: [Int64], left: [Int64]) {
        let nowGroups = grouped(now, segmentCount: segmentCount)
        let beforeGroups = grouped(before, segmentCount: segmentCount)
        var joined = [Int64](repeating: 0, count: segmentCount)
        var left = [Int64](repeating: 0, count: segmentCount)
        for segment in 0..<segmentCount {
            var i = nowGroups.offsets[segment], j = beforeGroups.offsets[segment]
            let iEnd = nowGroups.offsets[segment + 1], jEnd = beforeGroups.offsets[segment + 1]
            var common: Int64 = 0
            while i < iEnd, j < jEnd {
                let a = nowGroups.ids[i], b = beforeGroups.ids[j]
                if a == b {
                    common += 1
                    i += 1
                    j += 1
                } else if a < b {
                    i += 1
                } else {
                    j += 1
                }
            }
            joined[segment] = Int64(nowGroups.offsets[segment + 1] - nowGroups.offsets[segment]) - common
            left[segment] = Int64(beforeGroups.offsets[segment + 1] - beforeGroups.offsets[segment]) - common
        }
        return (joined, left)
    }

    /// Customer ids by segment, each group sorted: group `s` is `ids[offsets[s]..<offsets[s + 1]]`.
    private static func grouped(_ table: MembershipTable, segmentCount: Int) -> (offsets: [Int], ids: [Int64]) {
        var offsets = [Int](repeating: 0, count: segmentCount + 1)
        for segment in table.segments { offsets[Int(segment) + 1] += 1 }
        for segment in 0..<segmentCount { offsets[segment + 1] += offsets[segment] }
        var next = offsets
        var ids = [Int64](repeating: 0, count: table.count)
        for index in 0..<table.count {
            let segment = Int(table.segments[index])
            ids[next[segment]] = table.customerIDs[index]
            next[segment] += 1
        }
        ids.withUnsafeMutableBufferPointer { buffer in
            for segment in 0..<segmentCount {
                guard let base = buffer.baseAddress else { break }
                var group = UnsafeMutableBufferPointer(start: base + offsets[segment], count: offsets[segment + 1] - offsets[segment])
                group.sort()
            }
        }
        return (offsets, ids)
    }

    private struct PrimaryMembership: Comparable {
        var segmentation: Int32
        var customerID: Int64
        var segment: Int32

        static func < (a: Self, b: Self) -> Bool {
            (a.segmentation, a.customerID) < (b.segmentation, b.customerID)
        }
    }

    /// Moves between primary segments: a full join of both sides' primary memberships on
    /// (customer, segmentation), counted by (segmentation, from, to).
    private static func countTransitions(
        now: MembershipTable, before: MembershipTable?, catalog: SegmentCatalog
    ) -> [(transition: Transition, customers: Int64)] {
        func primaries(_ table: MembershipTable) -> [PrimaryMembership] {
            var result: [PrimaryMembership] = []
            for index in 0..<table.count where table.isPrimary[index] {
                let segment = table.segments[index]
                result.append(PrimaryMembership(segmentation: catalog.segmentations[Int(segment)],
                                                customerID: table.customerIDs[index], segment: segment))
            }
            result.sort()
            return result
        }
        let to = primaries(now)
        let from = before.map(primaries) ?? []
        // Key: segmentation, from segment, to segment (-1: none).
        var counts: [SIMD3<Int32>: Int64] = [:]
        var i = 0, j = 0
        while i < to.count || j < from.count {
            if j == from.count || (i < to.count && to[i] < from[j]) {
                counts[SIMD3(to[i].segmentation, -1, to[i].segment), default: 0] += 1
                i += 1
            } else if i == to.count || from[j] < to[i] {
                counts[SIMD3(from[j].segmentation, from[j].segment, -1), default: 0] += 1
                j += 1
            } else {
                counts[SIMD3(to[i].segmentation, from[j].segment, to[i].segment), default: 0] += 1
                i += 1
                j += 1
            }
        }
        return counts.sorted { ($0.key.x, $0.key.y, $0.key.z) < ($1.key.x, $1.key.y, $1.key.z) }.map { entry in
            let key = entry.key
            let transition = Transition(
                segmentationKey: catalog.segmentationKeys[Int(key.x)],
                from: key.y < 0 ? nil : catalog.keys[Int(key.y)].segmentKey,
                to: key.z < 0 ? nil : catalog.keys[Int(key.z)].segmentKey
            )
            return (transition, entry.value)
        }
    }
}
