import Foundation

/// The built `segflow` executable, run as a child process by tests that check what a
/// user actually sees (standard output, standard error, the exit status).
///
/// Found next to the test bundle (SwiftPM puts products and the `.xctest` in one folder),
/// or at `$SEGFLOW_EXECUTABLE`.
public enum SegflowExecutable {
    /// What one run of the executable printed and returned.
    public struct Outcome: Sendable, CustomStringConvertible {
        public var status: Int32
        public var standardOutput: String
        public var standardError: String

        /// Both streams, for searching.
        public var output: String { standardOutput + "\n" + standardError }

        public var description: String {
            "exit \(status)\n--- stdout\n\(standardOutput)\n--- stderr\n\(standardError)"
        }
    }

    public struct NotFoundError: Error, CustomStringConvertible {
        public var searched: [String]
        public var description: String {
            "the segflow executable was not found (build it first: swift build --build-tests); looked in \(searched.joined(separator: ", "))"
        }
    }

    public struct TimeoutError: Error, CustomStringConvertible {
        public var arguments: [String]
        public var seconds: Double
        public var description: String { "segflow \(arguments.first ?? "") did not finish within \(seconds) s" }
    }

    /// The executable's path.
    public static func url() throws -> URL {
        var candidates: [URL] = []
        if let override = ProcessInfo.processInfo.environment["SEGFLOW_EXECUTABLE"], !override.isEmpty {
            candidates.append(URL(fileURLWithPath: override))
        }
        // The test process itself lives in the products folder (…/debug/segflowPackageTests.xctest
        // on Linux; …/debug/segflowPackageTests.xctest/Contents/MacOS/… on macOS).
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(folder.appendingPathComponent("segflow"))
            folder = folder.deletingLastPathComponent()
        }
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("segflow"))
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate.path) {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                return candidate
            }
        }
        throw NotFoundError(searched: candidates.map(\.path))
    }

    /// Runs `segflow arguments…` with the test's environment plus `environment`, in
    /// `directory` (default: the current one), and waits at most `timeout` seconds.
    public static func run(
        _ arguments: [String],
        environment: [String: String] = [:],
        directory: URL? = nil,
        timeout: Double = 300
    ) throws -> Outcome {
        let process = Process()
        process.executableURL = try url()
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        if let directory { process.currentDirectoryURL = directory }

        // Files, not pipes: a chatty child can never block on a full pipe.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("segflow-exec-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let stdoutURL = folder.appendingPathComponent("stdout")
        let stderrURL = folder.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        let stdout = try FileHandle(forWritingTo: stdoutURL)
        let stderr = try FileHandle(forWritingTo: stderrURL)
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice

        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        try process.run()
        if finished.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            finished.wait()
            throw TimeoutError(arguments: arguments, seconds: timeout)
        }
        try stdout.close()
        try stderr.close()
        return Outcome(
            status: process.terminationStatus,
            standardOutput: String(decoding: try Data(contentsOf: stdoutURL), as: UTF8.self),
            standardError: String(decoding: try Data(contentsOf: stderrURL), as: UTF8.self)
        )
    }
}
