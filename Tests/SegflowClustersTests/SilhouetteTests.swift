import Foundation
import Testing
@testable import SegflowClusters

@Suite struct SilhouetteTests {
    /// Straight from the definition, with nothing shared with the implementation.
    static func bruteForce(_ points: [[Double]], _ labels: [Int]) -> Double {
        func distance(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot() }
        var total = 0.0
        for i in points.indices {
            let same = points.indices.filter { $0 != i && labels[$0] == labels[i] }
            if same.isEmpty { continue }  // s(i) = 0
            let a = same.map { distance(points[i], points[$0]) }.reduce(0, +) / Double(same.count)
            var b = Double.infinity
            for other in Set(labels) where other != labels[i] {
                let members = points.indices.filter { labels[$0] == other }
                b = min(b, members.map { distance(points[i], points[$0]) }.reduce(0, +) / Double(members.count))
            }
            total += (b - a) / max(a, b)
        }
        return total / Double(points.count)
    }

    @Test func meanSilhouetteMatchesTheDefinition() throws {
        var random = ClusterRandom(seed: 4)
        let points = (0..<40).map { _ in [random.unit() * 10, random.unit() * 10] }
        // Four labels, one of them a singleton (s = 0).
        var labels = (0..<40).map { _ in random.index(below: 3) }
        labels[17] = 3
        let matrix = FeatureMatrix(rows: 40, columns: 2, values: points.flatMap { $0 })
        let computed = try #require(Silhouette.mean(matrix, labels: labels.map(Int32.init), k: 4, sample: Array(0..<40), workers: 3))
        #expect(abs(computed - Self.bruteForce(points, labels)) < 1e-12)
        // On a sample: the same as the brute force over the sampled rows alone.
        let sample = Silhouette.sample(rows: 40, size: 25, seed: 8)
        #expect(sample.count == 25 && Set(sample).count == 25 && sample == sample.sorted())
        let sampled = try #require(Silhouette.mean(matrix, labels: labels.map(Int32.init), k: 4, sample: sample))
        #expect(abs(sampled - Self.bruteForce(sample.map { points[$0] }, sample.map { labels[$0] })) < 1e-12)
    }

    @Test func sampleIsDeterministic() {
        #expect(Silhouette.sample(rows: 100_000, size: 5000, seed: 1) == Silhouette.sample(rows: 100_000, size: 5000, seed: 1))
        #expect(Silhouette.sample(rows: 100_000, size: 5000, seed: 1) != Silhouette.sample(rows: 100_000, size: 5000, seed: 2))
        #expect(Silhouette.sample(rows: 10, size: 5000, seed: 1) == Array(0..<10))
    }

    @Test func oneClusterHasNoSilhouette() {
        let matrix = FeatureMatrix(rows: 3, columns: 1, values: [1, 2, 3])
        #expect(Silhouette.mean(matrix, labels: [0, 0, 0], k: 2, sample: [0, 1, 2]) == nil)
    }
}

@Suite struct ClusterMatchingTests {
    @Test func assignmentIsOptimal() {
        var random = ClusterRandom(seed: 21)
        for _ in 0..<50 {
            let n = 1 + random.index(below: 6)
            let cost = (0..<n).map { _ in (0..<n).map { _ in random.unit() } }
            let match = ClusterMatching.assignment(cost).map { $0 ?? -1 }
            #expect(Set(match).count == n && match.allSatisfy { $0 >= 0 })
            let total = match.enumerated().reduce(0) { $0 + cost[$1.offset][$1.element] }
            #expect(abs(total - Self.bestByEnumeration(cost)) < 1e-12)
        }
    }

    static func bestByEnumeration(_ cost: [[Double]]) -> Double {
        func permutations(_ items: [Int]) -> [[Int]] {
            guard items.count > 1 else { return [items] }
            return items.flatMap { item in permutations(items.filter { $0 != item }).map { [item] + $0 } }
        }
        return permutations(Array(cost.indices)).map { p in p.enumerated().reduce(0) { $0 + cost[$1.offset][$1.element] } }.min() ?? 0
    }

    @Test func permutedCentroidsGetTheirIDsBack() {
        let previous: [Double] = [0, 0, 10, 0, 0, 10, 10, 10]
        let ids = [4, 1, 3, 2]
        // The same four points, shuffled and nudged.
        let current: [Double] = [10.1, 9.9, 0.2, 0, 0, 10.3, 9.8, 0.1]
        #expect(ClusterMatching.ids(current: current, previous: previous, previousIDs: ids, columns: 2) == [2, 4, 3, 1])
        // One more cluster than before: it gets a fresh id.
        #expect(ClusterMatching.ids(current: current + [50, 50], previous: previous, previousIDs: ids, columns: 2) == [2, 4, 3, 1, 5])
    }

    @Test func idsStayStableAcrossSlightlyPerturbedData() throws {
        let centres: [[Double]] = [[0, 0, 0], [8, 0, 0], [0, 8, 0], [0, 0, 8], [8, 8, 8]]
        let settings = ClusterSettings(features: (0..<3).map { ClusterFeature(name: "f\($0)") }, count: .range(3...7),
                                       seed: 42, sample: 1500)
        let first = ClusterFit.fit(columns: Blobs(centres: centres, perBlob: 600, spread: 1, seed: 1).columns,
                                   settings: settings, workers: 2)
        #expect(first.k == 5)
        // The next snapshot: other draws, a shifted store, one blob grown.
        let moved = centres.map { $0.map { $0 + 0.3 } }
        let secondBlobs = Blobs(centres: moved + [moved[2]], perBlob: 600, spread: 1.1, seed: 2)
        let previous = PreviousClusters(ids: first.profiles.map(\.id), centroids: first.profiles.map(\.centroid))
        let second = ClusterFit.fit(columns: secondBlobs.columns, settings: settings, previous: previous, workers: 2)
        #expect(second.warmStart)
        #expect(second.k == first.k)
        func idOfBlob(_ fit: ClusterFit, _ truth: [Int], _ blob: Int) -> Int {
            var counts: [Int: Int] = [:]
            for (row, label) in fit.labels.enumerated() where truth[row] == blob { counts[fit.profiles[Int(label)].id, default: 0] += 1 }
            return counts.max { $0.value < $1.value }?.key ?? -1
        }
        let firstBlobs = Blobs(centres: centres, perBlob: 600, spread: 1, seed: 1)
        for blob in centres.indices {
            #expect(idOfBlob(first, firstBlobs.truth, blob) == idOfBlob(second, secondBlobs.truth.map { $0 == 5 ? 2 : $0 }, blob))
        }
        for profile in second.profiles { #expect(try #require(profile.drift) < 0.5, "cluster \(profile.id)") }

        // A cold fit of the second snapshot with another seed numbers clusters by size;
        // matching its centroids to the first snapshot's gives the first snapshot's ids back.
        var cold = settings
        cold.seed = 7
        let fresh = ClusterFit.fit(columns: secondBlobs.columns, settings: cold, workers: 1)
        let prepared = PreparedMatrix(columns: secondBlobs.columns, features: settings.features, missing: .zero)
        let current = fresh.profiles.flatMap { prepared.toMatrixSpace($0.centroid) }
        let old = first.profiles.flatMap { prepared.toMatrixSpace($0.centroid) }
        let matched = ClusterMatching.ids(current: current, previous: old, previousIDs: first.profiles.map(\.id), columns: 3)
        for blob in centres.indices {
            let freshIndex = fresh.profiles.firstIndex { $0.id == idOfBlob(fresh, secondBlobs.truth.map { $0 == 5 ? 2 : $0 }, blob) }
            #expect(matched[try #require(freshIndex)] == idOfBlob(first, firstBlobs.truth, blob))
        }
    }
}

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
