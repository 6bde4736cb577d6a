import Foundation
@testable import SegflowClusters

/// Gaussian blobs with known membership, and the adjusted Rand index to score a labelling.
struct Blobs {
    var columns: [[Double]]
    var truth: [Int]
    var centres: [[Double]]

    /// `perBlob` points around each centre, standard deviation `spread`, drawn with `seed`.
    init(centres: [[Double]], perBlob: Int, spread: Double, seed: UInt64) {
        var random = ClusterRandom(seed: seed)
        let d = centres[0].count
        var columns = [[Double]](repeating: [], count: d)
        var truth: [Int] = []
        for (blob, centre) in centres.enumerated() {
            for _ in 0..<perBlob {
                for column in 0..<d { columns[column].append(centre[column] + spread * Self.normal(&random)) }
                truth.append(blob)
            }
        }
        self.columns = columns
        self.truth = truth
        self.centres = centres
    }

    static func normal(_ random: inout ClusterRandom) -> Double {
        // Box–Muller; 1 − u keeps the logarithm finite.
        let u = 1 - random.unit()
        let v = random.unit()
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }

    var matrix: FeatureMatrix {
        let n = truth.count
        let d = columns.count
        var values = [Double](repeating: 0, count: n * d)
        for row in 0..<n { for column in 0..<d { values[row * d + column] = columns[column][row] } }
        return FeatureMatrix(rows: n, columns: d, values: values)
    }

    /// Hubert & Arabie's adjusted Rand index of two labellings of the same rows.
    static func adjustedRandIndex(_ a: [Int], _ b: [Int]) -> Double {
        precondition(a.count == b.count)
        var table: [Int: [Int: Int]] = [:]
        var rowSums: [Int: Int] = [:]
        var columnSums: [Int: Int] = [:]
        for (x, y) in zip(a, b) {
            table[x, default: [:]][y, default: 0] += 1
            rowSums[x, default: 0] += 1
            columnSums[y, default: 0] += 1
        }
        func pairs(_ n: Int) -> Double { Double(n) * Double(n - 1) / 2 }
        let index = table.values.flatMap(\.values).reduce(0) { $0 + pairs($1) }
        let rows = rowSums.values.reduce(0) { $0 + pairs($1) }
        let columns = columnSums.values.reduce(0) { $0 + pairs($1) }
        let expected = rows * columns / pairs(a.count)
        let maximum = (rows + columns) / 2
        return maximum == expected ? 1 : (index - expected) / (maximum - expected)
    }
}
