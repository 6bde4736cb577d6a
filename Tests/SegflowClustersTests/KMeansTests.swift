import Foundation
import Testing
@testable import SegflowClusters

@Suite struct KMeansTests {
    static let centres: [[Double]] = [[0, 0, 0], [10, 0, 0], [0, 10, 0], [0, 0, 10], [10, 10, 10]]
    static func features(_ d: Int) -> [ClusterFeature] { (0..<d).map { ClusterFeature(name: "f\($0)") } }

    @Test func adjustedRandIndexOfKnownLabellings() {
        #expect(Blobs.adjustedRandIndex([0, 0, 1, 1], [5, 5, 7, 7]) == 1)
        // A textbook value: sklearn.metrics.adjusted_rand_score([0,0,1,1],[0,0,1,2]) = 0.5714285714285715.
        #expect(abs(Blobs.adjustedRandIndex([0, 0, 1, 1], [0, 0, 1, 2]) - 0.5714285714285715) < 1e-12)
    }

    @Test func blobsAreRecovered() {
        let blobs = Blobs(centres: Self.centres, perBlob: 800, spread: 1, seed: 7)
        let fit = ClusterFit.fit(columns: blobs.columns, settings: ClusterSettings(
            features: Self.features(3), count: .fixed(5), seed: 42, missing: .zero), workers: 2)
        #expect(fit.k == 5)
        #expect(fit.converged)
        let ari = Blobs.adjustedRandIndex(blobs.truth, fit.labels.map(Int.init))
        #expect(ari >= 0.99, "adjusted Rand index \(ari)")
        #expect(fit.profiles.map(\.size).reduce(0, +) == blobs.truth.count)
        #expect(fit.profiles.map(\.id) == [1, 2, 3, 4, 5])
    }

    @Test func resultsDoNotDependOnTheWorkerCount() {
        // 30,000 rows: several chunks of 4,096, so the partial sums really are combined.
        let blobs = Blobs(centres: Self.centres + [[5, 5, 0], [5, 0, 5]], perBlob: 30_000 / 7, spread: 3, seed: 11)
        let matrix = blobs.matrix
        var results: [KMeans.Result] = []
        for workers in [1, 2, 3, 8] {
            let kmeans = KMeans(maxIterations: 300, workers: workers)
            results.append(kmeans.lloyd(matrix, initial: kmeans.initialCentroids(matrix, k: 6, seed: 3)))
        }
        #expect(results[0].iterations > 2)
        for result in results.dropFirst() {
            #expect(result.labels == results[0].labels)
            #expect(result.centroids.map(\.bitPattern) == results[0].centroids.map(\.bitPattern))
            #expect(result.inertia.bitPattern == results[0].inertia.bitPattern)
            #expect(result.iterations == results[0].iterations)
        }
        let settings = ClusterSettings(features: Self.features(3), count: .range(3...6), seed: 5, sample: 800)
        let one = ClusterFit.fit(columns: blobs.columns, settings: settings, workers: 1)
        let two = ClusterFit.fit(columns: blobs.columns, settings: settings, workers: 2)
        #expect(one.labels == two.labels)
        #expect(one.profiles == two.profiles)
        #expect(one.silhouette?.bitPattern == two.silhouette?.bitPattern)
    }

    @Test func silhouettePicksTheTrueK() throws {
        let blobs = Blobs(centres: Array(Self.centres.prefix(4)), perBlob: 500, spread: 1, seed: 13)
        let fit = ClusterFit.fit(columns: blobs.columns, settings: ClusterSettings(
            features: Self.features(3), count: .range(2...7), seed: 1, sample: 1000), workers: 2)
        #expect(fit.k == 4, "silhouettes \(fit.silhouetteByK.sorted { $0.key < $1.key })")
        #expect(Set(fit.silhouetteByK.keys) == Set(2...7))
        // The final fit on all rows, scored on the same sample, is the sample fit's grouping.
        let chosen = try #require(fit.silhouetteByK[4])
        #expect(abs((fit.silhouette ?? 0) - chosen) < 0.02, "\(fit.silhouette ?? .nan) vs \(chosen)")
        #expect(Blobs.adjustedRandIndex(blobs.truth, fit.labels.map(Int.init)) >= 0.99)
    }

    @Test func kMeansPlusPlusIsDeterministicForASeed() {
        let matrix = Blobs(centres: Self.centres, perBlob: 200, spread: 1, seed: 17).matrix
        let kmeans = KMeans()
        let first = kmeans.initialCentroids(matrix, k: 5, seed: 99)
        #expect(first == kmeans.initialCentroids(matrix, k: 5, seed: 99))
        #expect(first == KMeans(workers: 4).initialCentroids(matrix, k: 5, seed: 99))
        #expect(first != kmeans.initialCentroids(matrix, k: 5, seed: 100))
        // Every initial centroid is a row of the matrix, and no row is taken twice.
        let rows = (0..<matrix.rows).map(matrix.row)
        let picked = (0..<5).map { Array(first[$0 * 3..<($0 + 1) * 3]) }
        #expect(picked.allSatisfy(rows.contains))
        #expect(Set(picked.map { $0.map(\.bitPattern) }).count == 5)
        // With well-separated blobs, D² sampling lands one centroid in each blob.
        let nearest = picked.map { point in
            Self.centres.indices.min { distance(point, Self.centres[$0]) < distance(point, Self.centres[$1]) } ?? -1
        }
        #expect(Set(nearest).count == 5)
    }

    @Test func fewerDistinctRowsThanKStillGivesKCentroids() {
        let matrix = FeatureMatrix(rows: 4, columns: 1, values: [1, 1, 1, 2])
        let centroids = KMeans().initialCentroids(matrix, k: 3, seed: 1)
        #expect(centroids.count == 3)
    }

    @Test func emptyClusterMovesToTheFarthestRow() {
        // The third initial centroid is far from every row: empty after the first assignment.
        let matrix = FeatureMatrix(rows: 6, columns: 1, values: [0, 0.1, 0.2, 5, 5.1, 9])
        let result = KMeans().lloyd(matrix, initial: [0, 5, 1000])
        var sizes = [0, 0, 0]
        for label in result.labels { sizes[Int(label)] += 1 }
        #expect(sizes.allSatisfy { $0 > 0 }, "sizes \(sizes)")
        #expect(result.converged)
        #expect(result.labels == [0, 0, 0, 1, 1, 2])
    }

    @Test func lloydStopsAtMaxIterations() {
        let blobs = Blobs(centres: Self.centres, perBlob: 300, spread: 4, seed: 19)
        let matrix = blobs.matrix
        let kmeans = KMeans(maxIterations: 2)
        let result = kmeans.lloyd(matrix, initial: kmeans.initialCentroids(matrix, k: 5, seed: 1))
        #expect(result.iterations == 2)
        #expect(!result.converged)
        // Labels and inertia belong to the returned centroids.
        let predicted = kmeans.predict(matrix, centroids: result.centroids)
        #expect(predicted.inertia <= result.inertia + 1e-9 * result.inertia)
    }

    func distance(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } }
}
