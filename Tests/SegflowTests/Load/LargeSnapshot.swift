import PostgresClient
@testable import SegflowEngine
@testable import SegflowPublish
@testable import SegflowRules

/// A snapshot of many customers with every feature filled, for the atomicity tests and
/// throughput measurements. `version` is stored as every customer's frequency, so a
/// reader can tell snapshots apart by `sum(frequency)`.
enum LargeSnapshot {
    static let lifecycle = ["new", "active", "loyal", "at_risk", "lapsed"]

    static func make(asOf: PostgresDate, customers: Int, version: Int, runID: RunID = RunID()) -> OutputSnapshot<LazyMembershipSequence> {
        let ids = (0..<customers).map { Int64($0) * 3 + 1 }
        var columns = FeatureColumns(capacity: customers)
        columns.customerIDs = ids
        let asOfDays = Double(asOf.daysSince1970)
        for (index, feature) in FeatureKey.allCases.enumerated() {
            switch feature.kind {
            case .text:
                columns.setTexts(feature, (0..<customers).map { row in row % 7 == 0 ? nil : "\(feature.name)_\(row % 13)" })
            case .integer:
                columns.setNumbers(feature, feature == .frequency
                    ? [Double](repeating: Double(version), count: customers)
                    : (0..<customers).map { row in row % 11 == 0 ? .nan : Double((row * 7 + index) % 400) })
            case .real:
                columns.setNumbers(feature, (0..<customers).map { row in row % 11 == 0 ? .nan : Double((row * 31 + index) % 1000) / 997 })
            case .money:
                columns.setNumbers(feature, (0..<customers).map { row in Double((row * 137 + index) % 500_000) / 100 })
            case .date:
                columns.setNumbers(feature, (0..<customers).map { row in row % 5 == 0 ? .nan : asOfDays - Double(row % 700) })
            case .boolean:
                columns.setNumbers(feature, (0..<customers).map { row in Double(row % 2) })
            }
        }
        return OutputSnapshot(
            asOf: asOf, runID: runID, configHash: "large-\(version)", features: columns,
            segmentDefinitions: lifecycle.enumerated().map { position, key in
                SegmentDefinitionRecord(segmentationKey: "lifecycle", segmentKey: key, name: key, isPrimary: true, position: position + 1)
            } + [SegmentDefinitionRecord(segmentationKey: "channel", segmentKey: "email", name: "Email", isPrimary: false, position: 1)],
            memberships: LazyMembershipSequence(ids: ids, version: version)
        )
    }
}

/// Memberships generated while they stream: every customer in one lifecycle segment
/// (shifted by `version`, so customers move between snapshots), every other one in email.
struct LazyMembershipSequence: Sequence {
    let ids: [Int64]
    let version: Int

    func makeIterator() -> AnyIterator<SegmentMembership> {
        var row = 0
        var secondary = false
        return AnyIterator {
            guard row < ids.count else { return nil }
            if secondary {
                secondary = false
                defer { row += 1 }
                return SegmentMembership(customerID: ids[row], segmentationKey: "channel", segmentKey: "email", isPrimary: false)
            }
            secondary = row % 2 == 0
            let segment = LargeSnapshot.lifecycle[(row + version) % LargeSnapshot.lifecycle.count]
            let record = SegmentMembership(customerID: ids[row], segmentationKey: "lifecycle", segmentKey: segment, isPrimary: true)
            if !secondary { row += 1 }
            return record
        }
    }

    var count: Int { ids.count + (ids.count + 1) / 2 }
}
