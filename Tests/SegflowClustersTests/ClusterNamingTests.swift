import Foundation
import Testing
@testable import SegflowClusters

@Suite struct ClusterNamingTests {
    static let features = [
        ClusterFeature(name: "frequency", highLabel: "frequent", lowLabel: "infrequent"),
        ClusterFeature(name: "recency_days", highLabel: "lapsed", lowLabel: "recent"),
        ClusterFeature(name: "aov", highLabel: "high basket", lowLabel: "low basket"),
    ]

    @Test func namesComeFromTheLargestZScores() {
        let names = ClusterNaming.names(ids: [1, 2, 3], zScores: [[1.2, -0.9, 0.1], [-0.2, 0.1, -1.5], [0.1, 0.2, -0.3]],
                                        features: Self.features)
        #expect(names == ["frequent, recent", "low basket", "average"])
    }

    @Test func collidingNamesGrowThenTakeTheID() {
        let names = ClusterNaming.names(ids: [1, 2, 3, 4], zScores: [[2, 0, 0.3], [2, 0, -0.3], [0, 0, 0], [0.1, 0, 0]],
                                        features: Self.features)
        #expect(names[0] == "frequent, high basket, lapsed")
        #expect(names[1] == "frequent, low basket, lapsed")
        #expect(names[2] != names[3])
        #expect(Set(names).count == 4)
    }
}
