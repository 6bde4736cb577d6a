import SegflowEngine

/// k-means on a `FeatureMatrix`: k-means++ initialisation and Lloyd iterations.
///
/// Worker-count independence: rows are cut into fixed chunks of `chunkRows` (independent of
/// the worker count); workers take contiguous runs of chunks on `Parallel`; every chunk
/// writes its own labels and its own partial sums (per-cluster coordinate sums, counts,
/// inertia, label changes), and the partial sums are added up in chunk order. So the
/// floating-point additions happen in the same order whatever the number of workers, and
/// labels and centroids are bit-identical for 1, 2 or 64 workers.
public struct KMeans: Sendable {
    /// Rows per chunk: the unit of the deterministic reduction.
    public static let chunkRows = 4096

    /// Lloyd stops after this many iterations even if labels still change.
    public var maxIterations: Int
    public var workers: Int

    public init(maxIterations: Int = 300, workers: Int = 1) {
        self.maxIterations = max(1, maxIterations)
        self.workers = max(1, workers)
    }

    /// The outcome of one k-means fit.
    public struct Result: Sendable, Equatable {
        /// k × columns, row-major, in matrix space.
        public var centroids: [Double]
        /// Per matrix row, its cluster in `0..<k`.
        public var labels: [Int32]
        /// Lloyd iterations run (assignment steps).
        public var iterations: Int
        /// Sum of squared distances of each row to its centroid.
        public var inertia: Double
        /// True when an assignment step changed no label; false when `maxIterations` stopped it.
        public var converged: Bool
        public var k: Int
    }

    // MARK: k-means++

    /// k-means++ (Arthur & Vassilvitskii 2007): the first centroid is a uniformly drawn row,
    /// each next one a row drawn with probability proportional to its squared distance to the
    /// nearest centroid so far. Deterministic for a seed: draws come from `ClusterRandom`,
    /// and the cumulative distances are walked chunk by chunk in row order. When every
    /// remaining distance is 0 (fewer distinct rows than k), the next row not yet chosen is taken.
    public func initialCentroids(_ matrix: FeatureMatrix, k: Int, seed: UInt64) -> [Double] {
        precondition(k >= 1 && k <= matrix.rows, "k = \(k) for \(matrix.rows) rows")
        let d = matrix.columns
        var random = ClusterRandom(seed: seed)
        var centroids: [Double] = []
        centroids.reserveCapacity(k * d)
        var chosen: [Int] = [random.index(below: matrix.rows)]
        centroids += matrix.row(chosen[0])
        let distances = UnsafeMutableBufferPointer<Double>.allocate(capacity: matrix.rows)
        distances.initialize(repeating: .infinity)
        defer { distances.deallocate() }
        let shared = SharedBuffer(distances)
        let chunks = Self.chunks(rows: matrix.rows)
        while chosen.count < k {
            let last = chosen.count - 1
            let centre = Array(centroids[last * d..<(last + 1) * d])
            let sums = UnsafeMutableBufferPointer<Double>.allocate(capacity: chunks.count)
            defer { sums.deallocate() }
            let sharedSums = SharedBuffer(sums)
            matrix.values.withUnsafeBufferPointer { values in
                let values = SharedReadOnly(values)
                forEachChunk(chunks) { chunk in
                    var sum = 0.0
                    for row in chunks[chunk] {
                        var distance = 0.0
                        for column in 0..<d {
                            let delta = values.base[row * d + column] - centre[column]
                            distance += delta * delta
                        }
                        let best = min(shared[row], distance)
                        shared[row] = best
                        sum += best
                    }
                    sharedSums[chunk] = sum
                }
            }
            var total = 0.0
            for chunk in 0..<chunks.count { total += sums[chunk] }
            var pick: Int?
            if total > 0 {
                let target = random.unit() * total
                var cumulative = 0.0
                search: for chunk in 0..<chunks.count {
                    if cumulative + sums[chunk] <= target, chunk < chunks.count - 1 {
                        cumulative += sums[chunk]
                        continue
                    }
                    for row in chunks[chunk] {
                        cumulative += distances[row]
                        if cumulative > target, distances[row] > 0 {
                            pick = row
                            break search
                        }
                    }
                }
                // Rounding left the target beyond the last positive distance: take that row.
                if pick == nil { pick = (0..<matrix.rows).last { distances[$0] > 0 } }
            }
            let row = pick ?? (0..<matrix.rows).first { !chosen.contains($0) } ?? 0
            chosen.append(row)
            centroids += matrix.row(row)
        }
        return centroids
    }

    // MARK: Lloyd

    /// Lloyd's iterations from `initial` (k × columns). Each iteration assigns every row to
    /// its nearest centroid (squared Euclidean distance; ties to the lower index) and then
    /// moves each centroid to the mean of its rows. Stops when an assignment changes no label
    /// (the centroids are then a fixed point) or after `maxIterations` assignments; the labels
    /// and inertia returned always belong to the centroids returned.
    ///
    /// An empty cluster (no rows after an assignment) is moved to the row farthest from its
    /// own centroid (ties: the lowest row), each empty cluster in index order taking the next
    /// farthest row, and counts as a change, so the iterations go on.
    public func lloyd(_ matrix: FeatureMatrix, initial: [Double]) -> Result {
        let d = matrix.columns
        let k = initial.count / max(1, d)
        precondition(k >= 1 && initial.count == k * d, "initial centroids do not match the matrix")
        var centroids = initial
        let labels = UnsafeMutableBufferPointer<Int32>.allocate(capacity: matrix.rows)
        labels.initialize(repeating: -1)
        defer { labels.deallocate() }
        let chunks = Self.chunks(rows: matrix.rows)
        var iterations = 0
        var converged = false
        var inertia = 0.0
        while true {
            iterations += 1
            let step = assign(matrix, centroids: centroids, k: k, labels: SharedBuffer(labels), chunks: chunks)
            inertia = step.inertia
            if step.changes == 0 {
                converged = true
                break
            }
            if iterations >= maxIterations { break }
            var next = centroids
            var empty: [Int] = []
            for cluster in 0..<k {
                if step.counts[cluster] == 0 {
                    empty.append(cluster)
                    continue
                }
                let count = Double(step.counts[cluster])
                for column in 0..<d { next[cluster * d + column] = step.sums[cluster * d + column] / count }
            }
            if !empty.isEmpty {
                relocate(empty, matrix: matrix, centroids: centroids, into: &next, labels: labels)
            }
            centroids = next
        }
        return Result(centroids: centroids, labels: Array(labels), iterations: iterations, inertia: inertia,
                      converged: converged, k: k)
    }

    /// Labels of `matrix` under fixed centroids, with the inertia (no iterations).
    public func predict(_ matrix: FeatureMatrix, centroids: [Double]) -> (labels: [Int32], inertia: Double) {
        let k = centroids.count / max(1, matrix.columns)
        let labels = UnsafeMutableBufferPointer<Int32>.allocate(capacity: matrix.rows)
        labels.initialize(repeating: -1)
        defer { labels.deallocate() }
        let step = assign(matrix, centroids: centroids, k: k, labels: SharedBuffer(labels), chunks: Self.chunks(rows: matrix.rows))
        return (Array(labels), step.inertia)
    }

    private struct Step {
        var sums: [Double]
        var counts: [Int]
        var inertia: Double
        var changes: Int
    }

    /// One assignment step: per chunk, labels, cluster sums and counts, inertia and changes;
    /// then the chunk results added in chunk order. The hot loop works on raw pointers of this
    /// module (`Pointer`), so every access inlines.
    private func assign(_ matrix: FeatureMatrix, centroids: [Double], k: Int, labels: SharedBuffer<Int32>,
                        chunks: [Range<Int>]) -> Step {
        let d = matrix.columns
        let width = k * d
        let partialSums = UnsafeMutableBufferPointer<Double>.allocate(capacity: chunks.count * width)
        let partialCounts = UnsafeMutableBufferPointer<Int>.allocate(capacity: chunks.count * k)
        let partialInertia = UnsafeMutableBufferPointer<Double>.allocate(capacity: chunks.count)
        let partialChanges = UnsafeMutableBufferPointer<Int>.allocate(capacity: chunks.count)
        defer {
            partialSums.deallocate()
            partialCounts.deallocate()
            partialInertia.deallocate()
            partialChanges.deallocate()
        }
        partialSums.initialize(repeating: 0)
        partialCounts.initialize(repeating: 0)
        let sums = Pointer(partialSums.baseAddress)
        let counts = Pointer(partialCounts.baseAddress)
        let inertias = Pointer(partialInertia.baseAddress)
        let changes = Pointer(partialChanges.baseAddress)
        let labelPointer = Pointer(labels.base.baseAddress)
        // Centroids transposed (column-major, d × k): per column, the k centroids' coordinates are
        // adjacent, so the distances of one row to all centroids accumulate in a vectorisable
        // loop over clusters. Each distance still adds its columns in column order.
        var transposed = [Double](repeating: 0, count: width)
        for cluster in 0..<k { for column in 0..<d { transposed[column * k + cluster] = centroids[cluster * d + column] } }
        matrix.values.withUnsafeBufferPointer { values in
            transposed.withUnsafeBufferPointer { centres in
                let values = Pointer(UnsafeMutablePointer(mutating: values.baseAddress))
                let centres = Pointer(UnsafeMutablePointer(mutating: centres.baseAddress))
                forEachChunk(chunks) { chunk in
                    guard let x = values.base, let c = centres.base, let label = labelPointer.base,
                          let chunkSums = sums.base.map({ $0 + chunk * width }),
                          let chunkCounts = counts.base.map({ $0 + chunk * k })
                    else { return }
                    withUnsafeTemporaryAllocation(of: Double.self, capacity: k) { distances in
                        guard let distance = distances.baseAddress else { return }
                        var inertia = 0.0
                        var changed = 0
                        for row in chunks[chunk] {
                            let point = x + row * d
                            for cluster in 0..<k { distance[cluster] = 0 }
                            for column in 0..<d {
                                let value = point[column]
                                let centre = c + column * k
                                for cluster in 0..<k {
                                    let delta = value - centre[cluster]
                                    distance[cluster] += delta * delta
                                }
                            }
                            var best = 0
                            var bestDistance = distance[0]
                            for cluster in 1..<max(k, 1) where distance[cluster] < bestDistance {
                                bestDistance = distance[cluster]
                                best = cluster
                            }
                            if label[row] != Int32(truncatingIfNeeded: best) {
                                changed += 1
                                label[row] = Int32(truncatingIfNeeded: best)
                            }
                            inertia += bestDistance
                            chunkCounts[best] += 1
                            let target = chunkSums + best * d
                            for column in 0..<d { target[column] += point[column] }
                        }
                        inertias.base?[chunk] = inertia
                        changes.base?[chunk] = changed
                    }
                }
            }
        }
        var step = Step(sums: [Double](repeating: 0, count: width), counts: [Int](repeating: 0, count: k), inertia: 0, changes: 0)
        for chunk in 0..<chunks.count {
            for index in 0..<width { step.sums[index] += partialSums[chunk * width + index] }
            for cluster in 0..<k { step.counts[cluster] += partialCounts[chunk * k + cluster] }
            step.inertia += partialInertia[chunk]
            step.changes += partialChanges[chunk]
        }
        return step
    }

    /// Moves each empty cluster to the row farthest from its own centroid (sequential: rare).
    private func relocate(_ empty: [Int], matrix: FeatureMatrix, centroids: [Double], into next: inout [Double],
                          labels: UnsafeMutableBufferPointer<Int32>) {
        let d = matrix.columns
        var distances = [Double](repeating: 0, count: matrix.rows)
        for row in 0..<matrix.rows {
            let centre = Int(labels[row]) * d
            var distance = 0.0
            for column in 0..<d {
                let delta = matrix.values[row * d + column] - centroids[centre + column]
                distance += delta * delta
            }
            distances[row] = distance
        }
        var taken = Set<Int>()
        for cluster in empty {
            var farthest = -1
            for row in 0..<matrix.rows where !taken.contains(row) {
                if farthest < 0 || distances[row] > distances[farthest] { farthest = row }
            }
            guard farthest >= 0 else { break }
            taken.insert(farthest)
            for column in 0..<d { next[cluster * d + column] = matrix.values[farthest * d + column] }
        }
    }

    // MARK: Chunks

    static func chunks(rows: Int) -> [Range<Int>] {
        stride(from: 0, to: max(rows, 1), by: chunkRows).map { $0..<min($0 + chunkRows, rows) }
    }

    /// Runs `body` for every chunk, the chunks cut into `workers` contiguous runs.
    func forEachChunk(_ chunks: [Range<Int>], _ body: @Sendable (Int) -> Void) {
        let runs = Parallel.partitions(rows: chunks.count, count: workers)
        Parallel.forEach(runs.count) { run in
            for chunk in runs[run] { body(chunk) }
        }
    }
}
