import Foundation
import LocalPostgres
import Logging

/// Timing and reporting helpers shared by the benchmarks.
enum BenchSupport {
    /// The release `segflow` at `explicit`, else next to this executable.
    static func locateSegflow(_ explicit: String?) throws -> String {
        let path: String
        if let explicit {
            path = URL(fileURLWithPath: explicit).path
        } else {
            let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
            path = URL(fileURLWithPath: me).deletingLastPathComponent().appendingPathComponent("segflow").path
        }
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw BenchFailure(description: "no segflow executable at \(path): build it (swift build -c release --product segflow) or pass --segflow")
        }
        return path
    }

    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    static func format(_ value: Double, _ digits: Int = 2) -> String {
        String(format: "%.\(digits)f", value)
    }

    /// Runs psql against the cluster and fails loudly if it fails.
    static func psql(_ cluster: LocalPostgresCluster, database: String, _ command: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: cluster.binDirectory).appendingPathComponent("psql")
        process.arguments = ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", cluster.connectionString(database: database), "-c", command]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BenchFailure(description: "psql failed: \(String(decoding: stderr, as: UTF8.self))")
        }
    }

    static var logger: Logger {
        var logger = Logger(label: "segflow.bench")
        logger.logLevel = .warning
        return logger
    }
}

struct BenchFailure: Error, CustomStringConvertible {
    var description: String
}
