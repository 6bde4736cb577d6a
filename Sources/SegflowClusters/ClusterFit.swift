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
    /// For a k range without warm start: each candidate k's mean silhouette (of its fit on the sample).
    public var silhouetteByK: [Int: Double]
    /// True when Lloyd started from the previous snapshot's centroids.
    public var warmStart: Bool

    /// Fits the clusters of `settings` on `columns` (one per feature, NaN for missing, the
    /// caller's rows), for the rows `eligible` marks (all when nil).
    ///
    /// Without `previous`: a fixed k is fitted with k-means++ (seed `settings.seed` mixed with k)
    /// then Lloyd on all rows. For a range, every candidate k is fitted the same way on the
    /// sample alone and scored by its mean silhouette there; the best (ties: the smaller k)
    /// is then fitted on all rows starting from its sample centroids. Ids 1…k go by size,
    /// largest first (ties: lower index).
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
            let candidates = settings.candidates(rows: matrix.rows)
            var chosen = candidates[0]
            var start: [Double]?
            if candidates.count > 1 {
                // k is chosen on the sample: each candidate is fitted on the sampled rows alone and
                // scored by their mean silhouette, so a range costs little more than one fit.
                let sampled = FeatureMatrix(rows: sample.count, columns: d, values: sample.flatMap(matrix.row))
                var best = -Double.infinity
                for k in candidates where k <= sampled.rows {
                    let fit = kmeans.lloyd(sampled, initial: kmeans.initialCentroids(sampled, k: k, seed: Self.seed(settings.seed, k: k)))
                    let score = Silhouette.mean(sampled, labels: fit.labels, k: k, sample: Array(0..<sampled.rows), workers: workers)
                    if let score { scores[k] = score }
                    if start == nil || (score ?? -.infinity) > best {
                        best = score ?? -.infinity
                        chosen = k
                        start = fit.centroids
                    }
                }
            }
            // All customers, from the chosen k's sample centroids (or k-means++ for a fixed k).
            result = kmeans.lloyd(matrix, initial: start ?? kmeans.initialCentroids(matrix, k: chosen, seed: Self.seed(settings.seed, k: chosen)))
            silhouette = Silhouette.mean(matrix, labels: result.labels, k: result.k, sample: sample, workers: workers)
            var sizes = [Int](repeating: 0, count: result.k)
            for label in result.labels { sizes[Int(label)] += 1 }
            let order = (0..<result.k).sorted { sizes[$0] != sizes[$1] ? sizes[$0] > sizes[$1] : $0 < $1 }
            ids = [Int](repeating: 0, count: result.k)
            for (rank, cluster) in order.enumerated() { ids[cluster] = rank + 1 }
            drift = [Double?](repeating: nil, count: result.k)
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

    /// The k-means++ seed of candidate k.
    static func seed(_ seed: UInt64, k: Int) -> UInt64 {
        seed ^ (UInt64(k) &* 0x9E37_79B9_7F4A_7C15)
    }
}
