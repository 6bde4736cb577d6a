import Foundation
import Testing
@testable import SegflowClusters

@Suite struct PreparedMatrixTests {
    static let features = [ClusterFeature(name: "orders", transform: .log1p), ClusterFeature(name: "share", standardise: false)]
    static let columns: [[Double]] = [[0, 3, .nan, 7], [0.5, .nan, 0.25, 1]]

    @Test func missingAsZero() {
        let prepared = PreparedMatrix(columns: Self.columns, features: Self.features, missing: .zero)
        #expect(prepared.rows == [0, 1, 2, 3])
        let logs = [0, log1p(3.0), 0, log1p(7.0)]
        let mean = logs.reduce(0, +) / 4
        let sd = (logs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 4).squareRoot()
        #expect(abs(prepared.matrix[1, 0] - (log1p(3.0) - mean) / sd) < 1e-12)
        #expect(prepared.matrix[1, 1] == 0)  // not standardised: 0 as it is
        #expect(abs(prepared.toTransformedUnits(prepared.matrix.row(3))[0] - log1p(7.0)) < 1e-12)
    }

    @Test func missingAsMean() {
        let prepared = PreparedMatrix(columns: Self.columns, features: Self.features, missing: .mean)
        #expect(abs(prepared.matrix[2, 0]) < 1e-12)  // the mean, standardised: z = 0
        #expect(prepared.matrix[1, 1] == (0.5 + 0.25 + 1) / 3)
    }

    @Test func missingExcludesTheRow() {
        let prepared = PreparedMatrix(columns: Self.columns, features: Self.features, missing: .exclude,
                                      eligible: [true, true, true, false])
        #expect(prepared.rows == [0])
        let fit = ClusterFit.fit(columns: Self.columns, eligible: [true, true, true, true],
                                 settings: ClusterSettings(features: Self.features, count: .fixed(3), missing: .exclude))
        #expect(fit.labels == [0, -1, -1, 1] || fit.labels == [1, -1, -1, 0])
        #expect(fit.k == 2)  // k is capped at the rows clustered
    }
}
