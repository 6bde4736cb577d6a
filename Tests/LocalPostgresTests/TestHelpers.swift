import Foundation
import LocalPostgres

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What an independent `psql` run printed.
struct PsqlOutcome {
    let status: Int32
    let stdout: String
    let stderr: String
}

/// Runs the cluster's `psql` binary directly (not through the library) with a
/// connection string, so the tests check what a real client sees.
func runPsql(_ cluster: LocalPostgresCluster, connection: String, sql: String) throws -> PsqlOutcome {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: cluster.binDirectory + "/psql")
    process.arguments = ["-X", "-A", "-t", "-w", "-v", "ON_ERROR_STOP=1", "-d", connection, "-c", sql]
    var environment = ProcessInfo.processInfo.environment
    for key in environment.keys where key.hasPrefix("PG") {
        environment[key] = nil
    }
    process.environment = environment
    let stdout = Pipe()
    let stderr = Pipe()
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = stdout
    process.standardError = stderr
    try process.run()
    // Outputs here are a few lines, far below a pipe's buffer, so reading after exit is safe.
    process.waitUntilExit()
    let out = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let err = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    return PsqlOutcome(
        status: process.terminationStatus,
        stdout: out.trimmingCharacters(in: .whitespacesAndNewlines),
        stderr: err
    )
}

/// Whether something accepts TCP connections on 127.0.0.1:`port`.
func isListening(port: Int) -> Bool {
    #if canImport(Darwin)
    let descriptor = socket(AF_INET, SOCK_STREAM, 0)
    #else
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #endif
    guard descriptor >= 0 else { return false }
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = UInt16(port).bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let result = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
    }
    return result == 0
}

/// Polls `condition` every 100 ms until it holds or `seconds` pass.
func eventually(within seconds: Double, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        usleep(100_000)
    }
    return condition()
}

/// Whether process `pid` is alive. A zombie counts as gone: an exited postmaster
/// belongs to init, which on some machines reaps it only a second or two later.
func processExists(_ pid: Int32) -> Bool {
    guard kill(pid, 0) == 0 || errno == EPERM else { return false }
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let afterName = stat.range(of: ") ", options: .backwards)
    else { return true }
    return stat[afterName.upperBound...].first != "Z"
}

/// The uid that owns `path`.
func ownerUID(of path: String) throws -> Int {
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    return (attributes[.ownerAccountID] as? NSNumber)?.intValue ?? -1
}
