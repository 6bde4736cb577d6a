import PostgresClient
import SegflowTestSupport
@testable import SegflowPublish
@testable import SegflowRules

/// Two tiny snapshots whose KPIs and transitions are worked out by hand in the tests.
///
/// January: customers 1-4. lifecycle (primary): 1, 2 new; 3, 4 loyal; lapsed empty.
/// channel: 1, 3 email. February: customer 1 gone, 5 new. lifecycle: 2, 3 loyal;
/// 4 lapsed; 5 new. channel: 5 email.
enum KPIExample {
    static let january = PostgresDate.day("2024-01-31")
    static let february = PostgresDate.day("2024-02-29")

    static let definitions: [SegmentDefinitionRecord] = [
        .init(segmentationKey: "lifecycle", segmentKey: "new", name: "New", rule: "frequency <= 1", actions: ["welcome"], isPrimary: true, position: 1),
        .init(segmentationKey: "lifecycle", segmentKey: "loyal", name: "Loyal", rule: "frequency >= 2", isPrimary: true, position: 2),
        .init(segmentationKey: "lifecycle", segmentKey: "lapsed", name: "Lapsed", rule: "recency_days > 180", isPrimary: true, position: 3),
        .init(segmentationKey: "channel", segmentKey: "email", name: "Email", isPrimary: false, position: 1),
    ]

    static func januarySnapshot(runID: RunID = RunID()) -> OutputSnapshot<[SegmentMembership]> {
        var features = FeatureTableBuilder(customerIDs: [1, 2, 3, 4])
        features.set("frequency", [1, 0, 3, 2])
        features.set("orders_30d", [1, 0, 2, 0])
        features.set("monetary_30d", [10.50, 0, 40.25, 0])
        features.set("sessions_30d", [4, 2, 5, 0])
        features.set("orders_90d", [1, 0, 3, 1])
        features.set("cart_abandonments_90d", [1, 2, 0, 1])
        features.set("avg_csat", [4, nil, 2, nil])
        features.set("discounted_order_share", [1.0, nil, 0.5, 0.0])
        return OutputSnapshot(
            asOf: january, runID: runID, configHash: "config-a", features: features.columns,
            segmentDefinitions: definitions,
            memberships: [
                member(1, "lifecycle", "new"), member(2, "lifecycle", "new"),
                member(3, "lifecycle", "loyal"), member(4, "lifecycle", "loyal"),
                member(1, "channel", "email"), member(3, "channel", "email"),
            ]
        )
    }

    static func februarySnapshot(runID: RunID = RunID()) -> OutputSnapshot<[SegmentMembership]> {
        var features = FeatureTableBuilder(customerIDs: [2, 3, 4, 5])
        features.set("frequency", [2, 4, 2, 1])
        features.set("orders_30d", [2, 1, 0, 1])
        features.set("monetary_30d", [30.00, 9.99, 0, 5.01])
        features.set("sessions_30d", [3, 1, 0, 1])
        features.set("orders_90d", [2, 2, 0, 1])
        features.set("cart_abandonments_90d", [0, 0, 3, 0])
        features.set("avg_csat", [5, 3, nil, nil])
        features.set("discounted_order_share", [0.5, 0.25, 1.0, 0.0])
        return OutputSnapshot(
            asOf: february, runID: runID, configHash: "config-a", features: features.columns,
            segmentDefinitions: definitions,
            memberships: [
                member(2, "lifecycle", "loyal"), member(3, "lifecycle", "loyal"),
                member(4, "lifecycle", "lapsed"), member(5, "lifecycle", "new"),
                member(5, "channel", "email"),
            ]
        )
    }

    static func member(_ customer: Int64, _ segmentation: String, _ segment: String) -> SegmentMembership {
        SegmentMembership(customerID: customer, segmentationKey: segmentation, segmentKey: segment, isPrimary: segmentation == "lifecycle")
    }
}
