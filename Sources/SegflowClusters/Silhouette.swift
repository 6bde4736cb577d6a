import SegflowEngine

/// The mean silhouette (Rousseeuw 1987) of a labelling, on a deterministic sample of rows.
///
/// For a sampled row i in cluster A: a(i) = mean Euclidean distance to the other sampled rows
/// of A, b(i) = the smallest mean distance to the sampled rows of another cluster, and
/// s(i) = (b − a) / max(a, b); s(i) = 0 when i is alone in A within the sample (as
/// scikit-learn). The score is the mean of s(i) over the sample. Rows are scored on
/// `Parallel` workers, each writing its own slot, and summed in sample order, so the score
/// does not depend on the worker count.
public enum Silhouette {
    /// `size` distinct row indices of `0..<rows`, ascending, drawn with `seed` (all rows when
    /// `size >= rows`): a partial Fisher–Yates shuffle on `ClusterRandom`.
    public static func sample(rows: Int, size: Int, seed: UInt64) -> [Int] {
        guard size < rows else { return Array(0..<rows) }
        var random = ClusterRandom(seed: seed ^ 0x5111_0BE7_7E5A_3713)
        var indices = Array(0..<rows)
        for position in 0..<size {
            let other = position + random.index(below: rows - position)
            indices.swapAt(position, other)
        }
        return indices[0..<size].sorted()
    }

    /// The mean silhouette of the rows `sample` of `matrix` labelled `labels` (per matrix row,
    /// in `0..<k`); nil when the sample holds fewer than two clusters.
    public static func mean(_ matrix: FeatureMatrix, labels: [Int32], k: Int, sample: [Int], workers: Int = 1) -> Double? {
        let n = sample.count
        let d = matrix.columns
        let sampleLabels = sample.map { Int(labels[$0]) }
        var counted = [Int](repeating: 0, count: k)
        for label in sampleLabels { counted[label] += 1 }
        let sizes = counted
        guard sizes.filter({ $0 > 0 }).count >= 2 else { return nil }
        // The sampled rows, packed, so the n² distances read contiguous memory.
        var points = [Double](repeating: 0, count: n * d)
        for (position, row) in sample.enumerated() {
            for column in 0..<d { points[position * d + column] = matrix[row, column] }
        }
        let scores = UnsafeMutableBufferPointer<Double>.allocate(capacity: n)
        defer { scores.deallocate() }
        let shared = SharedBuffer(scores)
        points.withUnsafeBufferPointer { buffer in
            let points = SharedReadOnly(buffer)
            Parallel.forEachPartition(rows: n, count: workers) { range in
                var totals = [Double](repeating: 0, count: k)
                for i in range {
                    for cluster in 0..<k { totals[cluster] = 0 }
                    for j in 0..<n where j != i {
                        var squared = 0.0
                        for column in 0..<d {
                            let delta = points.base[i * d + column] - points.base[j * d + column]
                            squared += delta * delta
                        }
                        totals[sampleLabels[j]] += squared.squareRoot()
                    }
                    let own = sampleLabels[i]
                    guard sizes[own] > 1 else {
                        shared[i] = 0
                        continue
                    }
                    let a = totals[own] / Double(sizes[own] - 1)
                    var b = Double.infinity
                    for cluster in 0..<k where cluster != own && sizes[cluster] > 0 {
                        b = min(b, totals[cluster] / Double(sizes[cluster]))
                    }
                    let larger = max(a, b)
                    shared[i] = larger > 0 ? (b - a) / larger : 0
                }
            }
        }
        var sum = 0.0
        for i in 0..<n { sum += scores[i] }
        return sum / Double(n)
    }
}
