import PostgresClient
import SegflowTestSupport
import Testing
@testable import SegflowPublish
@testable import SegflowRules

/// Control groups as published: `customer_segments.is_control` is the documented hash of each
/// segment's definition, stable across snapshots, and `segment_kpis` splits every segment into
/// treatment and control with the same formulas (the SQL oracle comparison is in
/// SnapshotComparisonsTests, whose fixture has control groups too).
@Suite struct ControlGroupPublishTests {
    private let logger = LoadTestDatabase.logger

    private func snapshot(asOf: PostgresDate, customers: ClosedRange<Int64>) -> OutputSnapshot<[SegmentMembership]> {
        let ids = Array(customers)
        var features = FeatureTableBuilder(customerIDs: ids)
        features.set("frequency", ids.map { Double($0 % 4) })
        features.set("monetary_30d", ids.map { $0 % 5 == 0 ? nil : Double(($0 * 7_919) % 20_000) / 100 })
        features.set("orders_30d", ids.map { Double($0 % 3) })
        features.set("sessions_30d", ids.map { Double($0 % 7) })
        var memberships: [SegmentMembership] = []
        for id in ids {
            memberships.append(.init(customerID: id, segmentationKey: "lifecycle", segmentKey: id % 3 == 0 ? "loyal" : "rest", isPrimary: true))
            if id % 2 == 0 {
                memberships.append(.init(customerID: id, segmentationKey: "channel", segmentKey: "email", isPrimary: false))
            }
        }
        let definitions = [
            SegmentDefinitionRecord(segmentationKey: "lifecycle", segmentKey: "loyal", name: "Loyal", isPrimary: true, position: 1,
                                    control: ControlGroup(share: 0.3)),
            SegmentDefinitionRecord(segmentationKey: "lifecycle", segmentKey: "rest", name: "Rest", isPrimary: true, position: 2),
            SegmentDefinitionRecord(segmentationKey: "channel", segmentKey: "email", name: "Email", isPrimary: false, position: 1,
                                    control: ControlGroup(share: 0.5, salt: "spring")),
        ]
        return OutputSnapshot(asOf: asOf, runID: RunID(), configHash: "h", features: features.columns,
                              segmentDefinitions: definitions, memberships: memberships)
    }

    @Test func controlMembersArePublishedStablyAndTheKPIsSplitEachSegment() throws {
        let (_, connection) = try LoadTestDatabase.migrated("control_groups")
        let publisher = try SnapshotPublisher(connection: connection, logger: logger)
        try publisher.publish(snapshot(asOf: .day("2024-01-31"), customers: 1...3_000))
        try publisher.publish(snapshot(asOf: .day("2024-02-29"), customers: 1_001...4_000))

        // is_control is exactly the documented hash of the segment's definition; false elsewhere.
        let groups = ["lifecycle/loyal": ControlGroup(share: 0.3), "channel/email": ControlGroup(share: 0.5, salt: "spring")]
        var controlled = 0
        for row in try connection.texts("select customer_id::text, segmentation_key, segment_key, is_control::text from segflow.customer_segments") {
            let id = Int64(row[0] ?? "") ?? 0
            let expected = groups["\(row[1] ?? "")/\(row[2] ?? "")"].map {
                $0.isControl(customerID: id, seed: $0.seed(segmentationKey: row[1] ?? "", segmentKey: row[2] ?? ""))
            } ?? false
            #expect(row[3] == String(expected), "\(row)")
            if expected { controlled += 1 }
        }
        #expect(controlled > 1_000)

        // Stable: a customer who is a member in both snapshots keeps the flag (and many are in control in both).
        #expect(try connection.texts("""
            select count(*) filter (where a.is_control <> b.is_control)::text, count(*) filter (where a.is_control)::text
            from segflow.customer_segments a join segflow.customer_segments b using (customer_id, segmentation_key, segment_key)
            where a.as_of = '2024-01-31' and b.as_of = '2024-02-29'
            """).first?.first == "0")

        // Treatment + control add up to the segment, and each side's ratios are the segment formulas over its rows.
        let mismatches = try connection.texts("""
            with sides as (
                select s.as_of, s.segmentation_key, s.segment_key, s.is_control, count(*) as members,
                       coalesce(sum(f.monetary_30d), 0) as revenue, coalesce(sum(f.orders_30d), 0) as orders,
                       coalesce(sum(f.sessions_30d), 0) as sessions,
                       count(*) filter (where f.frequency >= 1) as buyers, count(*) filter (where f.frequency >= 2) as repeaters
                from segflow.customer_segments s join segflow.customer_features f using (as_of, customer_id)
                group by 1, 2, 3, 4
            )
            select k.as_of::text, k.segment_key from segflow.segment_kpis k
            left join sides t on (t.as_of, t.segmentation_key, t.segment_key, t.is_control) = (k.as_of, k.segmentation_key, k.segment_key, false)
            left join sides c on (c.as_of, c.segmentation_key, c.segment_key, c.is_control) = (k.as_of, k.segmentation_key, k.segment_key, true)
            where k.members <> coalesce(t.members, 0) + coalesce(c.members, 0)
               or k.control_members <> coalesce(c.members, 0)
               or k.revenue_30d <> coalesce(t.revenue, 0) + coalesce(c.revenue, 0)
               or k.orders_30d <> coalesce(t.orders, 0) + coalesce(c.orders, 0)
               or k.buyers <> coalesce(t.buyers, 0) + coalesce(c.buyers, 0)
               or k.control_revenue_per_member_30d is distinct from round(c.revenue / c.members, 2)
               or k.treatment_revenue_per_member_30d is distinct from round(t.revenue / t.members, 2)
               or k.control_conversion_rate_30d is distinct from c.orders::float8 / nullif(c.sessions, 0)
               or k.treatment_conversion_rate_30d is distinct from t.orders::float8 / nullif(t.sessions, 0)
               or k.control_repeat_purchase_rate is distinct from c.repeaters::float8 / nullif(c.buyers, 0)
               or k.treatment_repeat_purchase_rate is distinct from t.repeaters::float8 / nullif(t.buyers, 0)
            """)
        #expect(mismatches.isEmpty, "\(mismatches)")
        #expect(try connection.texts("select count(*)::text from segflow.segment_kpis") == [["6"]])

        // Without a control group: none in control, treatment = the segment.
        #expect(try connection.texts("""
            select bool_and(control_members = 0 and control_revenue_per_member_30d is null
                            and treatment_conversion_rate_30d = conversion_rate_30d
                            and treatment_repeat_purchase_rate = repeat_purchase_rate)::text
            from segflow.segment_kpis where segment_key = 'rest'
            """) == [["true"]])

        // Shares within 4 standard deviations of Binomial(members, share).
        for row in try connection.texts("""
            select segment_key, sum(members)::text, sum(control_members)::text from segflow.segment_kpis
            where segment_key in ('loyal', 'email') group by 1 order by 1
            """) {
            let n = Double(row[1] ?? "") ?? 0, k = Double(row[2] ?? "") ?? 0, p = row[0] == "loyal" ? 0.3 : 0.5
            #expect(n > 1_000 && abs(k - n * p) <= 4 * (n * p * (1 - p)).squareRoot(), "\(row)")
        }
        // The definitions record each segment's share.
        #expect(try connection.texts("""
            select segment_key, control_share::text from segflow.segment_definitions where as_of = '2024-02-29' order by 1
            """) == [["email", "0.5"], ["loyal", "0.3"], ["rest", "0"]])
        // The current_* views carry the new columns.
        #expect(try connection.texts("select (count(*) > 0)::text from segflow.current_customer_segments where is_control") == [["true"]])
        #expect(try connection.texts("select (sum(control_members) > 0)::text from segflow.current_segment_kpis") == [["true"]])
    }
}
