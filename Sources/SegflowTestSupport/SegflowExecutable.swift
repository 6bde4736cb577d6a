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
        /// The signal that ended the process without a handler (then `status` is its number).
        public var uncaughtSignal: Int32? = nil

        /// Both streams, for searching.
        public var output: String { standardOutput + "\n" + standardError }

        public var description: String {
            (uncaughtSignal.map { "killed by signal \($0)" } ?? "exit \(status)") + "\n--- stdout\n\(standardOutput)\n--- stderr\n\(standardError)"
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
        try start(arguments, environment: environment, directory: directory).wait(timeout: timeout)
    }

    /// Starts `segflow arguments…` without waiting, so a test can watch it and signal it.
    /// `launcher` runs before it (`["unshare", "--pid", "--fork", "--mount-proc"]` makes it
    /// PID 1 of a new PID namespace); `executable` replaces the built binary (a copy).
    public static func start(
        _ arguments: [String],
        environment: [String: String] = [:],
        directory: URL? = nil,
        launcher: [String] = [],
        executable: URL? = nil
    ) throws -> Running {
        let binary = try executable ?? url()
        let process = Process()
        if let tool = launcher.first {
            process.executableURL = URL(fileURLWithPath: tool)
            process.arguments = Array(launcher.dropFirst()) + [binary.path] + arguments
        } else {
            process.executableURL = binary
            process.arguments = arguments
        }
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        if let directory { process.currentDirectoryURL = directory }
        return try Running(process: process, arguments: arguments, launched: !launcher.isEmpty)
    }

    /// A started `segflow`: its output so far, signals, and the wait for its end.
    public final class Running: @unchecked Sendable {
        private let process: Process
        private let arguments: [String]
        private let launched: Bool
        private let folder: URL
        private let stdoutURL: URL
        private let stderrURL: URL
        private let stdout: FileHandle
        private let stderr: FileHandle
        private let finished = DispatchSemaphore(value: 0)

        init(process: Process, arguments: [String], launched: Bool) throws {
            self.process = process
            self.arguments = arguments
            self.launched = launched
            // Files, not pipes: a chatty child can never block on a full pipe.
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("segflow-exec-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            stdoutURL = folder.appendingPathComponent("stdout")
            stderrURL = folder.appendingPathComponent("stderr")
            _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
            _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
            stdout = try FileHandle(forWritingTo: stdoutURL)
            stderr = try FileHandle(forWritingTo: stderrURL)
            process.standardOutput = stdout
            process.standardError = stderr
            process.standardInput = FileHandle.nullDevice
            process.terminationHandler = { [finished] _ in finished.signal() }
            try process.run()
        }

        deinit {
            try? FileManager.default.removeItem(at: folder)
        }

        /// Standard error so far.
        public var standardError: String {
            (try? Data(contentsOf: stderrURL)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        }

        /// The pid of segflow itself: the launcher's child when there is a launcher.
        public func segflowPID(timeout: Double = 10) -> Int32? {
            let launcherPID = process.processIdentifier
            guard launched else { return launcherPID }
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
                for entry in entries {
                    guard let pid = Int32(entry),
                          let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                          let close = stat.lastIndex(of: ")")
                    else { continue }
                    // pid (comm) state ppid …: comm may hold spaces, so parse after the last ')'.
                    let fields = stat[stat.index(after: close)...].split(separator: " ")
                    if fields.count > 1, Int32(fields[1]) == launcherPID { return pid }
                }
                Thread.sleep(forTimeInterval: 0.02)
            }
            return nil
        }

        /// Sends `signal` to segflow (not to the launcher). False if it could not be found.
        @discardableResult
        public func send(_ signal: Int32) -> Bool {
            guard let pid = segflowPID() else { return false }
            return kill(pid, signal) == 0
        }

        public var isRunning: Bool { process.isRunning }

        /// Waits for the end (at most `timeout` seconds: then it is killed and this throws).
        public func wait(timeout: Double = 300) throws -> Outcome {
            if finished.wait(timeout: .now() + timeout) == .timedOut {
                if let pid = segflowPID(timeout: 0) { kill(pid, SIGKILL) }
                kill(process.processIdentifier, SIGKILL)  // a launcher may ignore SIGTERM
                finished.wait()
                throw TimeoutError(arguments: arguments, seconds: timeout)
            }
            finished.signal()  // a second wait returns at once
            try? stdout.close()
            try? stderr.close()
            let signalled = process.terminationReason == .uncaughtSignal
            return Outcome(
                status: process.terminationStatus,
                standardOutput: String(decoding: try Data(contentsOf: stdoutURL), as: UTF8.self),
                standardError: String(decoding: try Data(contentsOf: stderrURL), as: UTF8.self),
                uncaughtSignal: signalled ? process.terminationStatus : nil
            )
        }
    }
}
