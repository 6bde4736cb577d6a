/// Matches the clusters of a new fit to those of the previous snapshot, so that a cluster
/// keeps its id from one snapshot to the next.
///
/// The matching minimises the total squared distance between matched centroids (an optimal
/// assignment, solved exactly with the Hungarian method in O(n³); k is small). With more new
/// clusters than old ones, the unmatched new clusters get fresh ids above every previous id,
/// in the order of their index; with fewer, some old ids go unused.
public enum ClusterMatching {
    /// For each new centroid (rows of `current`, k × d), the id it takes: the id of the old
    /// centroid matched to it, or a fresh one.
    public static func ids(current: [Double], previous: [Double], previousIDs: [Int], columns d: Int) -> [Int] {
        let newCount = current.count / d
        let oldCount = previous.count / d
        var cost = [[Double]](repeating: [Double](repeating: 0, count: oldCount), count: newCount)
        for i in 0..<newCount {
            for j in 0..<oldCount {
                var distance = 0.0
                for column in 0..<d {
                    let delta = current[i * d + column] - previous[j * d + column]
                    distance += delta * delta
                }
                cost[i][j] = distance
            }
        }
        let match = assignment(cost)
        var next = (previousIDs.max() ?? 0) + 1
        return (0..<newCount).map { i in
            if let j = match[i] { return previousIDs[j] }
            defer { next += 1 }
            return next
        }
    }

    /// A minimum-cost assignment of rows to columns of `cost` (rows × columns, any shape):
    /// for each row, its column, or nil when there are more rows than columns and the row is
    /// left out. Ties are broken by the order of the algorithm, which is deterministic.
    public static func assignment(_ cost: [[Double]]) -> [Int?] {
        let rows = cost.count
        let columns = cost.first?.count ?? 0
        guard rows > 0, columns > 0 else { return [Int?](repeating: nil, count: rows) }
        // Square it with zero-cost dummies; then the classic potentials formulation (1-based).
        let n = max(rows, columns)
        func c(_ i: Int, _ j: Int) -> Double { i < rows && j < columns ? cost[i][j] : 0 }
        var u = [Double](repeating: 0, count: n + 1)
        var v = [Double](repeating: 0, count: n + 1)
        var p = [Int](repeating: 0, count: n + 1)  // p[j]: row matched to column j (1-based), 0 none
        var way = [Int](repeating: 0, count: n + 1)
        for i in 1...n {
            p[0] = i
            var j0 = 0
            var minimum = [Double](repeating: .infinity, count: n + 1)
            var used = [Bool](repeating: false, count: n + 1)
            repeat {
                used[j0] = true
                let i0 = p[j0]
                var delta = Double.infinity
                var j1 = 0
                for j in 1...n where !used[j] {
                    let reduced = c(i0 - 1, j - 1) - u[i0] - v[j]
                    if reduced < minimum[j] {
                        minimum[j] = reduced
                        way[j] = j0
                    }
                    if minimum[j] < delta {
                        delta = minimum[j]
                        j1 = j
                    }
                }
                for j in 0...n {
                    if used[j] {
                        u[p[j]] += delta
                        v[j] -= delta
                    } else {
                        minimum[j] -= delta
                    }
                }
                j0 = j1
            } while p[j0] != 0
            repeat {
                let j1 = way[j0]
                p[j0] = p[j1]
                j0 = j1
            } while j0 != 0
        }
        var result = [Int?](repeating: nil, count: rows)
        for j in 1...n where p[j] >= 1 && p[j] <= rows && j <= columns {
            result[p[j] - 1] = j - 1
        }
        return result
    }
}
