/// The clusters of one snapshot: labels, profiles and how the fit went.
public struct ClusterFit: Sendable {
    /// Per input row (the caller's rows), the index into `profiles`, or -1 for none
    /// (not eligible, or excluded for a missing value).
    public var labels: [Int32]
    /// Ordered by id.
    public var profiles: [ClusterProfile]
    /// Rows clustered.
    public var clustered: Int
    public var k: Int
    /// Lloyd iterations of the published fit.
    public var iterations: Int
    public var converged: Bool
    /// Sum of squared distances to the centroids, in the standardised space.
    public var inertia: Double
    /// Mean silhouette of the published fit on the sample; nil when it cannot be computed
    /// (fewer than two clusters in the sample).
    public var silhouette: Double?
    /// For a k range without warm start: each candidate k's mean silhouette.
    public var silhouetteByK: [Int: Double]
    /// True when Lloyd started from the previous snapshot's centroids.
    public var warmStart: Bool

    /// Fits the clusters of `settings` on `columns` (one per feature, NaN for missing, the
    /// caller's rows), for the rows `eligible` marks (all when nil).
    ///
    /// Without `previous`: for each candidate k, k-means++ (seed `settings.seed` mixed with k)
    /// then Lloyd; the candidate with the highest mean silhouette on the sample wins (ties:
    /// the smaller k). Ids 1…k go by size, largest first (ties: lower index).
    /// With `previous` (the last snapshot with the same configuration): k is the previous k,
    /// Lloyd starts from the previous centroids (moved into this snapshot's standardised
    /// space) and each cluster takes the id of the previous centroid it is matched to
    /// (`ClusterMatching`), so ids stay stable; the drift of each centroid is recorded.
    public static func fit(columns: [[Double]], eligible: [Bool]? = nil, settings: ClusterSettings,
                           previous: PreviousClusters? = nil, workers: Int = 1) -> ClusterFit {
        let rowCount = columns.first?.count ?? eligible?.count ?? 0
        let prepared = PreparedMatrix(columns: columns, features: settings.features, missing: settings.missing,
                                      eligible: eligible)
        let matrix = prepared.matrix
        let d = matrix.columns
        var labels = [Int32](repeating: -1, count: rowCount)
        guard matrix.rows > 0 else {
            return ClusterFit(labels: labels, profiles: [], clustered: 0, k: 0, iterations: 0, converged: true, inertia: 0,
                              silhouette: nil, silhouetteByK: [:], warmStart: false)
        }
        let kmeans = KMeans(maxIterations: settings.maxIterations, workers: workers)
        let sample = Silhouette.sample(rows: matrix.rows, size: settings.sample, seed: settings.seed)

        var result: KMeans.Result
        var ids: [Int]
        var drift: [Double?]
        var scores: [Int: Double] = [:]
        var silhouette: Double?
        let warm = previous.flatMap { previous -> [Double]? in
            guard !previous.centroids.isEmpty, previous.centroids.count <= matrix.rows,
                  previous.centroids.allSatisfy({ $0.count == d }), previous.ids.count == previous.centroids.count
            else { return nil }
            return previous.centroids.flatMap(prepared.toMatrixSpace)
        }
        if let previous, let initial = warm {
            result = kmeans.lloyd(matrix, initial: initial)
            ids = ClusterMatching.ids(current: result.centroids, previous: initial, previousIDs: previous.ids, columns: d)
            drift = ids.enumerated().map { cluster, id in
                guard let old = previous.ids.firstIndex(of: id) else { return nil }
                var squared = 0.0
                for column in 0..<d {
                    let delta = result.centroids[cluster * d + column] - initial[old * d + column]
                    squared += delta * delta
                }
                return squared.squareRoot()
            }
            silhouette = Silhouette.mean(matrix, labels: result.labels, k: result.k, sample: sample, workers: workers)
        } else {
            var best: (result: KMeans.Result, score: Double?)?
            for k in settings.candidates(rows: matrix.rows) {
                let seed = settings.seed ^ (UInt64(k) &* 0x9E37_79B9_7F4A_7C15)
                let candidate = kmeans.lloyd(matrix, initial: kmeans.initialCentroids(matrix, k: k, seed: seed))
                let score = Silhouette.mean(matrix, labels: candidate.labels, k: k, sample: sample, workers: workers)
                if let score { scores[k] = score }
                if best == nil || (score ?? -.infinity) > (best?.score ?? -.infinity) { best = (candidate, score) }
            }
            guard let best else { preconditionFailure("no candidate k") }
            result = best.result
            silhouette = best.score
            var sizes = [Int](repeating: 0, count: result.k)
            for label in result.labels { sizes[Int(label)] += 1 }
            let order = (0..<result.k).sorted { sizes[$0] != sizes[$1] ? sizes[$0] > sizes[$1] : $0 < $1 }
            ids = [Int](repeating: 0, count: result.k)
            for (rank, cluster) in order.enumerated() { ids[cluster] = rank + 1 }
            drift = [Double?](repeating: nil, count: result.k)
            if case .fixed = settings.count { scores = [:] }
        }

        // Profiles, ordered by id; labels point into that order.
        let k = result.k
        let byID = (0..<k).sorted { ids[$0] < ids[$1] }
        var position = [Int32](repeating: 0, count: k)
        for (index, cluster) in byID.enumerated() { position[cluster] = Int32(index) }
        var sizes = [Int](repeating: 0, count: k)
        var sums = [[Double]](repeating: [Double](repeating: 0, count: d), count: k)
        var present = [[Int]](repeating: [Int](repeating: 0, count: d), count: k)
        for (matrixRow, row) in prepared.rows.enumerated() {
            let cluster = Int(result.labels[matrixRow])
            labels[row] = position[cluster]
            sizes[cluster] += 1
            for feature in 0..<d where !columns[feature][row].isNaN {
                sums[cluster][feature] += columns[feature][row]
                present[cluster][feature] += 1
            }
        }
        let zScores = (0..<k).map { cluster in
            (0..<d).map { prepared.zScore(result.centroids[cluster * d + $0], feature: $0) }
        }
        let names = ClusterNaming.names(ids: ids, zScores: zScores, features: settings.features)
        let profiles = byID.map { cluster in
            ClusterProfile(
                id: ids[cluster], name: names[cluster], size: sizes[cluster],
                share: Double(sizes[cluster]) / Double(matrix.rows),
                means: (0..<d).map { present[cluster][$0] > 0 ? sums[cluster][$0] / Double(present[cluster][$0]) : nil },
                zScores: zScores[cluster],
                centroid: prepared.toTransformedUnits(Array(result.centroids[cluster * d..<(cluster + 1) * d])),
                drift: drift[cluster])
        }
        return ClusterFit(labels: labels, profiles: profiles, clustered: matrix.rows, k: k, iterations: result.iterations,
                          converged: result.converged, inertia: result.inertia, silhouette: silhouette,
                          silhouetteByK: scores, warmStart: warm != nil)
    }
}
