import ArgumentParser
import Foundation
import SegflowClusters

/// SegflowClusters' Lloyd iterations against scikit-learn 1.3.2's `KMeans(algorithm="lloyd")` on
/// the same matrix from the same initial centroids.
///
/// The matrix is synthetic and deterministic (`--seed`): `--rows` points in 6 dimensions drawn
/// around 8 centres of unequal weight and spread, so that the clusters overlap and Lloyd needs
/// tens of iterations (a behaviour matrix of standardised features looks like this). segflow's
/// k-means++ picks the initial centroids; both sides then run Lloyd to strict convergence (an
/// iteration that changes no label; scikit-learn with tol=0) or `--max-iterations`. The matrix
/// and centroids go to scikit-learn as raw float64 files; scikit-learn runs in the pinned venv of
/// scripts/kmeans-venv.sh. The report gives labels that differ, the inertias' relative
/// difference, iterations and the time ratio (median of alternating rounds).
struct KMeansBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kmeans",
        abstract: "k-means (Lloyd): SegflowClusters vs scikit-learn 1.3.2 on the same matrix and initial centroids."
    )

    @Option(help: "Rows of the matrix; k and M suffixes allowed.") var rows = "1M"
    @Option(help: "Clusters.") var k = 8
    @Option(help: "Seed of the matrix and of k-means++.") var seed: UInt64 = 42
    @Option(help: "Lloyd iterations at most (both sides).") var maxIterations = 300
    @Option(help: "segflow's workers (default: the cores).") var workers = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Alternating rounds of both sides.") var rounds = 3
    @Option(help: "Python with scikit-learn 1.3.2 (default: scripts/kmeans-venv.sh creates one).") var python: String?

    static let columns = 6

    func run() throws {
        guard let count = try PipelineBenchmark.parseSizes(rows).first else { throw BenchFailure(description: "--rows") }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("segflow-kmeans-bench-\(getpid())").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let pythonPath = try python ?? Self.sklearnPython()

        progress("kmeans: \(count) × \(Self.columns) matrix, k = \(k)")
        let matrix = Self.matrix(rows: count, seed: seed)
        let kmeans = KMeans(maxIterations: maxIterations, workers: workers)
        let initial = kmeans.initialCentroids(matrix, k: k, seed: seed)
        try Self.write(matrix.values, to: "\(scratch)/matrix.bin")
        try Self.write(initial, to: "\(scratch)/init.bin")

        var swiftTimes: [Double] = [], sklearnTimes: [Double] = []
        var swiftResult: KMeans.Result?
        var sklearn: [String: Any] = [:]
        var sklearnLabels: [Int32] = []
        for round in 0..<rounds {
            for side in round % 2 == 0 ? ["segflow", "sklearn"] : ["sklearn", "segflow"] {
                if side == "segflow" {
                    var result: KMeans.Result?
                    let seconds = BenchSupport.seconds { result = kmeans.lloyd(matrix, initial: initial) }
                    swiftResult = result
                    swiftTimes.append(seconds)
                    progress("kmeans round \(round + 1): segflow \(BenchSupport.format(seconds, 3)) s")
                } else {
                    sklearn = try Self.sklearnSide(python: pythonPath, scratch: scratch, rows: count, k: k,
                                                   maxIterations: maxIterations)
                    sklearnLabels = try Self.readLabels("\(scratch)/labels.bin", count: count)
                    let seconds = (sklearn["seconds"] as? NSNumber)?.doubleValue ?? .nan
                    sklearnTimes.append(seconds)
                    progress("kmeans round \(round + 1): scikit-learn \(BenchSupport.format(seconds, 3)) s")
                }
            }
        }
        guard let swiftResult else { throw BenchFailure(description: "no round ran") }
        let differing = zip(swiftResult.labels, sklearnLabels).reduce(0) { $0 + ($1.0 == $1.1 ? 0 : 1) }
        let theirInertia = (sklearn["inertia"] as? NSNumber)?.doubleValue ?? .nan
        let relative = abs(swiftResult.inertia - theirInertia) / theirInertia
        let swiftMedian = BenchSupport.median(swiftTimes), sklearnMedian = BenchSupport.median(sklearnTimes)
        let lines = [
            "## k-means: SegflowClusters vs scikit-learn \(sklearn["sklearn"] ?? "?")",
            "",
            "\(count) rows × \(Self.columns) features (synthetic, seed \(seed): 8 overlapping Gaussian groups of unequal weight "
                + "and spread), k = \(k), the same k-means++ initial centroids (segflow's) on both sides, Lloyd to strict "
                + "convergence (scikit-learn: `algorithm=\"lloyd\", n_init=1, tol=0`) or \(maxIterations) iterations; "
                + "\(rounds) alternating rounds.",
            "",
            "| | SegflowClusters | scikit-learn |",
            "|---|---|---|",
            "| iterations | \(swiftResult.iterations) | \(sklearn["iterations"] ?? "?") |",
            "| converged | \(swiftResult.converged) | \((sklearn["iterations"] as? NSNumber)?.intValue ?? 0 < maxIterations) |",
            "| inertia | \(swiftResult.inertia) | \(theirInertia) |",
            "| threads | \(workers) workers | \(sklearn["threads"] ?? "?") (OpenMP/BLAS) |",
            "| seconds (median of \(rounds)) | \(BenchSupport.format(swiftMedian, 3)) | \(BenchSupport.format(sklearnMedian, 3)) |",
            "",
            "Labels that differ: \(differing) of \(count). Inertia relative difference: \(String(format: "%.1e", relative)) "
                + "(target ≤ 1e-6). scikit-learn / SegflowClusters time: \(BenchSupport.format(sklearnMedian / swiftMedian, 2))×. "
                + "segflow's time is the Lloyd iterations alone; scikit-learn's is `fit` (it also checks and centres the matrix).",
        ]
        print(lines.joined(separator: "\n"))
        if differing > 0 || !(relative <= 1e-6) {
            throw BenchFailure(description: "k-means results differ: \(differing) labels, inertia relative difference \(relative)")
        }
    }

    /// Deterministic overlapping Gaussian groups, row-major.
    static func matrix(rows: Int, seed: UInt64) -> FeatureMatrix {
        var random = ClusterRandom(seed: seed)
        let groups = 8
        let centres = (0..<groups).map { _ in (0..<columns).map { _ in (random.unit() - 0.5) * 8 } }
        let spreads = (0..<groups).map { _ in 0.6 + random.unit() * 1.2 }
        let weights = (0..<groups).map { Double($0 + 1) }
        let total = weights.reduce(0, +)
        var values = [Double](repeating: 0, count: rows * columns)
        for row in 0..<rows {
            var pick = random.unit() * total
            var group = 0
            while group < groups - 1, pick >= weights[group] {
                pick -= weights[group]
                group += 1
            }
            for column in 0..<columns {
                let u = 1 - random.unit(), v = random.unit()
                let normal = (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
                values[row * columns + column] = centres[group][column] + spreads[group] * normal
            }
        }
        return FeatureMatrix(rows: rows, columns: columns, values: values)
    }

    static func write(_ values: [Double], to path: String) throws {
        let data = values.withUnsafeBufferPointer { Data(buffer: $0) }  // little-endian on every platform segflow runs on
        try data.write(to: URL(fileURLWithPath: path))
    }

    static func readLabels(_ path: String, count: Int) throws -> [Int32] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        guard data.count == count * 4 else { throw BenchFailure(description: "scikit-learn wrote \(data.count / 4) labels") }
        return data.withUnsafeBytes { Array($0.bindMemory(to: Int32.self)) }
    }

    static func sklearnSide(python: String, scratch: String, rows: Int, k: Int, maxIterations: Int) throws -> [String: Any] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let outcome = try ChildProcess.run(
            [python, root.appendingPathComponent("scripts/kmeans/kmeans_bench.py").path, "\(scratch)/matrix.bin",
             "\(scratch)/init.bin", String(rows), String(columns), String(k), String(maxIterations), "\(scratch)/labels.bin"],
            standardOutput: "\(scratch)/sklearn.out", standardError: "\(scratch)/sklearn.err")
        guard outcome.succeeded else {
            let error = (try? String(contentsOfFile: "\(scratch)/sklearn.err", encoding: .utf8)) ?? ""
            throw BenchFailure(description: "scikit-learn failed: \(error.suffix(2000))")
        }
        let text = try String(contentsOfFile: "\(scratch)/sklearn.out", encoding: .utf8)
        guard let line = text.split(separator: "\n").last,
              let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        else { throw BenchFailure(description: "scikit-learn printed no result") }
        return object
    }

    static func sklearnPython() throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let process = Process()
        process.executableURL = root.appendingPathComponent("scripts/kmeans-venv.sh")
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchFailure(description: "scripts/kmeans-venv.sh failed") }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
