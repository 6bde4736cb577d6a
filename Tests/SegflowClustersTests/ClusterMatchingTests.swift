import Foundation
import Testing
@testable import SegflowClusters

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
