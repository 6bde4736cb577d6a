import PostgresClient
import SegflowTestSupport
import Testing
@testable import SegflowPublish
@testable import SegflowRules

/// The KPIs and transitions the publisher computes (`SnapshotComparisons`, in Swift): in
/// order, out of order (the next snapshot's comparisons computed again from its
/// partitions) and against the SQL oracle of `sql/reference/kpis/`.
@Suite struct SnapshotComparisonsTests {
    private let logger = LoadTestDatabase.logger

    /// Pseudo-random but fixed data. With `exact`, values are chosen so that every sum is
    /// exact in float8 (eighths, small integers), which makes the means independent of
    /// summation order (SQL's `avg` adds in its plan's order); without, means round.
    private struct Fixture {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var exact = true

        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }

        mutating func snapshot(asOf: PostgresDate, customers: ClosedRange<Int64>, withSMS: Bool) -> OutputSnapshot<[SegmentMembership]> {
            let ids = Array(customers)
            var features = FeatureTableBuilder(customerIDs: ids)
            var frequency: [Double?] = [], monetary: [Double?] = [], orders30: [Double?] = [], sessions: [Double?] = []
            var orders90: [Double?] = [], carts: [Double?] = [], csat: [Double?] = [], discount: [Double?] = []
            var memberships: [SegmentMembership] = []
            let lifecycle = ["new", "loyal", "lapsed", "vip"]
            for id in ids {
                let buyer = next(5)
                frequency.append(buyer == 0 ? nil : Double(buyer - 1))
                monetary.append(next(7) == 0 ? nil : Double(next(200_000) - 20_000) / 100)
                orders30.append(next(6) == 0 ? nil : Double(next(4)))
                sessions.append(next(3) == 0 ? 0 : Double(next(9)))
                orders90.append(Double(next(5)))
                carts.append(next(4) == 0 ? nil : Double(next(3)))
                csat.append(next(3) == 0 ? nil : exact ? Double(1 + next(5)) : 1 + Double(next(400)) / 97)
                discount.append(next(4) == 0 ? nil : Double(next(9)) / (exact ? 8 : 7))
                if next(10) != 0 {
                    memberships.append(.init(customerID: id, segmentationKey: "lifecycle", segmentKey: lifecycle[next(lifecycle.count)], isPrimary: true))
                }
                for channel in ["email", "push", "sms"] where (channel != "sms" || withSMS) && next(3) == 0 {
                    memberships.append(.init(customerID: id, segmentationKey: "channel", segmentKey: channel, isPrimary: false))
                }
            }
            features.set("frequency", frequency)
            features.set("monetary_30d", monetary)
            features.set("orders_30d", orders30)
            features.set("sessions_30d", sessions)
            features.set("orders_90d", orders90)
            features.set("cart_abandonments_90d", carts)
            features.set("avg_csat", csat)
            features.set("discounted_order_share", discount)
            // Control groups on two segments (one of them overlapping), so the oracle checks the split too.
            var definitions = lifecycle.enumerated().map { position, key in
                SegmentDefinitionRecord(segmentationKey: "lifecycle", segmentKey: key, name: key, isPrimary: true, position: position + 1,
                                        control: key == "loyal" ? ControlGroup(share: 0.3) : nil)
            }
            definitions.append(.init(segmentationKey: "lifecycle", segmentKey: "empty", name: "Empty", isPrimary: true, position: 9,
                                     control: ControlGroup(share: 0.5)))
            definitions.append(.init(segmentationKey: "channel", segmentKey: "email", name: "Email", isPrimary: false, position: 1,
                                     control: ControlGroup(share: 0.5)))
            return OutputSnapshot(asOf: asOf, runID: RunID(), configHash: "h", features: features.columns,
                                  segmentDefinitions: definitions, memberships: memberships)
        }
    }

    private func comparisonRows(_ connection: PostgresConnection, asOf: PostgresDate) throws -> [[[String?]]] {
        [
            try connection.texts("select * from segflow.segment_kpis where as_of = \(asOf) order by segmentation_key, segment_key"),
            try connection.texts("select * from segflow.kpi_snapshots where as_of = \(asOf)"),
            try connection.texts("""
                select * from segflow.segment_transitions where as_of = \(asOf)
                order by segmentation_key, from_segment nulls first, to_segment nulls first
                """),
        ]
    }

    @Test func kpisInOrderAndOutOfOrderEqualTheReferenceSQL() throws {
        var fixture = Fixture()
        let january = fixture.snapshot(asOf: .day("2024-01-31"), customers: 1...1500, withSMS: true)
        let february = fixture.snapshot(asOf: .day("2024-02-29"), customers: 300...1800, withSMS: false)

        // In order, one publisher: February compares with January as kept in memory.
        let (_, inOrder) = try LoadTestDatabase.migrated("comparisons_memory")
        let publisher = try SnapshotPublisher(connection: inOrder, logger: logger)
        try publisher.publish(january)
        try publisher.publish(february)

        // Out of order: publishing January computes February's comparisons again, from
        // February's partitions.
        let (_, outOfOrder) = try LoadTestDatabase.migrated("comparisons_republish")
        let republisher = try SnapshotPublisher(connection: outOfOrder, logger: logger)
        try republisher.publish(february)
        let report = try republisher.publish(january)
        #expect(report.recomputedAsOf == february.asOf)

        // In order, each as_of by a fresh publisher: February reads January back from its partitions.
        let (_, readBack) = try LoadTestDatabase.migrated("comparisons_read")
        try SnapshotPublisher(connection: readBack, logger: logger).publish(january)
        try SnapshotPublisher(connection: readBack, logger: logger).publish(february)

        let fromSwift = try comparisonRows(inOrder, asOf: february.asOf)
        let januaryRows = try comparisonRows(inOrder, asOf: january.asOf)
        #expect(fromSwift[0].count > 6 && fromSwift[2].count > 10)
        // Control groups were drawn (column 16: control_members), so the oracle compares the split too.
        #expect(fromSwift[0].contains { $0[2] == "loyal" && $0[16] != "0" } && fromSwift[0].contains { $0[2] == "email" && $0[16] != "0" })
        // The segment that only lost members is listed, with everyone gone.
        #expect(fromSwift[0].contains { $0[1] == "channel" && $0[2] == "sms" && $0[3] == "0" && $0[6] != "0" })
        #expect(try comparisonRows(readBack, asOf: february.asOf) == fromSwift)
        #expect(try comparisonRows(outOfOrder, asOf: february.asOf) == fromSwift)
        #expect(try comparisonRows(readBack, asOf: january.asOf) == januaryRows)
        #expect(try comparisonRows(outOfOrder, asOf: january.asOf) == januaryRows)

        // The oracle, from the same partitions, replaces the rows with identical ones.
        try KPIReferenceSQL.recompute(outOfOrder, asOf: january.asOf, previous: nil)
        try KPIReferenceSQL.recompute(outOfOrder, asOf: february.asOf, previous: january.asOf)
        #expect(try comparisonRows(outOfOrder, asOf: january.asOf) == januaryRows)
        #expect(try comparisonRows(outOfOrder, asOf: february.asOf) == fromSwift)
    }

    @Test func aSnapshotRecomputedAfterAnOutOfOrderPublishEqualsAnInOrderOneToTheLastBit() throws {
        var fixture = Fixture(exact: false)
        let january = fixture.snapshot(asOf: .day("2024-01-31"), customers: 1...2500, withSMS: true)
        let february = fixture.snapshot(asOf: .day("2024-02-29"), customers: 200...2700, withSMS: false)
        let march = fixture.snapshot(asOf: .day("2024-03-31"), customers: 400...2900, withSMS: true)

        let (_, inOrder) = try LoadTestDatabase.migrated("comparisons_bits_in")
        let publisher = try SnapshotPublisher(connection: inOrder, logger: logger)
        for snapshot in [january, february, march] { try publisher.publish(snapshot) }

        // February last: March's comparisons are computed again against it.
        let (_, outOfOrder) = try LoadTestDatabase.migrated("comparisons_bits_out")
        let republisher = try SnapshotPublisher(connection: outOfOrder, logger: logger)
        try republisher.publish(january)
        try republisher.publish(march)
        #expect(try republisher.publish(february).recomputedAsOf == march.asOf)

        for day in [january.asOf, february.asOf, march.asOf] {
            #expect(try comparisonRows(outOfOrder, asOf: day) == comparisonRows(inOrder, asOf: day), "\(day)")
        }
        // The means do round here (texts are float8's shortest exact form), so the equality above is to the bit.
        let store = try inOrder.texts("select avg_csat, discounted_order_share from segflow.kpi_snapshots where as_of = '2024-03-31'")
        #expect(store[0].allSatisfy { ($0?.count ?? 0) > 12 }, "\(store)")
    }

    @Test func aPreviousSnapshotRepublishedByAnotherPublisherIsReadBackNotTakenFromMemory() throws {
        var changed = KPIExample.januarySnapshot()
        changed.memberships = changed.memberships.map { membership in
            var membership = membership
            if membership.customerID == 1, membership.isPrimary { membership.segmentKey = "loyal" }
            return membership
        }
        let (_, connection) = try LoadTestDatabase.migrated("comparisons_stale")
        let first = try SnapshotPublisher(connection: connection, logger: logger)
        try first.publish(KPIExample.januarySnapshot())
        try SnapshotPublisher(connection: connection, logger: logger).publish(changed)
        try first.publish(KPIExample.februarySnapshot())

        let (_, expected) = try LoadTestDatabase.migrated("comparisons_fresh")
        try SnapshotPublisher(connection: expected, logger: logger).publish(changed)
        try SnapshotPublisher(connection: expected, logger: logger).publish(KPIExample.februarySnapshot())

        let rows = try comparisonRows(connection, asOf: KPIExample.february)
        #expect(rows == (try comparisonRows(expected, asOf: KPIExample.february)))
        // Customer 1 left from loyal now, not from new.
        #expect(try connection.texts("""
            select from_segment, to_segment from segflow.segment_transitions
            where as_of = '2024-02-29' and to_segment is null
            """) == [["loyal", nil]])
    }

    @Test func quarantineJSONBytesEqualTheJSONText() {
        for value in ["", "plain", "tab\there \"q\" \\ é", "line\nbreak\r", "nul\u{0}x", "bell\u{7}\u{1F}", "emoji 🙂 ü"] {
            var bytes: [UInt8] = []
            JSONText.appendString(value, to: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == JSONText.string(value), "\(value.debugDescription)")
        }
    }

    @Test func aovRoundsHalfAwayFromZeroInCents() {
        func aov(_ cents: Int64, _ orders: Int64) -> Int64? {
            var totals = SnapshotComparisons.Totals()
            totals.revenueCents = cents
            totals.orders30d = orders
            return totals.aov30dCents
        }
        #expect(aov(5075, 3) == 1692)
        #expect(aov(4025, 2) == 2013)
        #expect(aov(-4025, 2) == -2013)
        #expect(aov(-5075, 3) == -1692)
        #expect(aov(1001, 3) == 334)
        #expect(aov(100, 0) == nil)
    }
}
