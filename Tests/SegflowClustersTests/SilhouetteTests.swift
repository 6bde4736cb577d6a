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
