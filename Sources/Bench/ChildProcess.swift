import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A child process started with `posix_spawn` and reaped with `wait4`, so that its own
/// resource usage (peak RSS, CPU) is known — `getrusage(RUSAGE_CHILDREN)` would mix in
/// every other child of the benchmark (psql, initdb, the cluster watchdog).
struct ChildProcess {
    let pid: pid_t
    let arguments: [String]
    let started: UInt64

    /// What `wait4` reported.
    struct Outcome {
        var exitCode: Int32
        var signal: Int32
        var seconds: Double
        /// Peak resident set size in bytes (`ru_maxrss`, KiB on Linux).
        var maxRSSBytes: Int
        var userSeconds: Double
        var systemSeconds: Double
        var succeeded: Bool { exitCode == 0 && signal == 0 }
    }

    /// Starts `arguments[0]` (an absolute path) with standard output and error sent to files
    /// (nil: /dev/null), standard input from /dev/null, in the current environment.
    static func start(_ arguments: [String], standardOutput: String? = nil, standardError: String? = nil) throws -> ChildProcess {
        precondition(!arguments.isEmpty)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, standardOutput ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, standardError ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o644)

        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let started = DispatchTime.now().uptimeNanoseconds
        let status = posix_spawn(&pid, arguments[0], &actions, nil, argv, environ)
        guard status == 0 else {
            throw BenchFailure(description: "could not start \(arguments[0]): \(String(cString: strerror(status)))")
        }
        return ChildProcess(pid: pid, arguments: arguments, started: started)
    }

    /// Waits for the child and returns its exit status and resource usage.
    func wait() throws -> Outcome {
        guard let outcome = try reap(options: 0) else { throw BenchFailure(description: "wait4 returned no child") }
        return outcome
    }

    private func reap(options: Int32) throws -> Outcome? {
        var status: Int32 = 0
        var usage = rusage()
        var result: pid_t
        repeat {
            result = wait4(pid, &status, options, &usage)
        } while result == -1 && errno == EINTR
        if result == 0 { return nil }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        guard result == pid else {
            throw BenchFailure(description: "wait4 failed for \(arguments[0]): \(String(cString: strerror(errno)))")
        }
        // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift does not import as macros.
        let signal = status & 0x7f
        let exitCode = signal == 0 ? (status >> 8) & 0xff : -1
        func cpu(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return Outcome(
            exitCode: exitCode, signal: signal, seconds: seconds,
            maxRSSBytes: Int(usage.ru_maxrss) * 1024,
            userSeconds: cpu(usage.ru_utime), systemSeconds: cpu(usage.ru_stime)
        )
    }

    /// The outcome if the child has ended (reaping it), nil while it runs.
    func poll() throws -> Outcome? {
        try reap(options: WNOHANG)
    }

    /// Starts, waits, and fails with the tail of `standardError` if the child failed.
    static func run(_ arguments: [String], standardOutput: String? = nil, standardError: String? = nil) throws -> Outcome {
        let outcome = try start(arguments, standardOutput: standardOutput, standardError: standardError).wait()
        guard outcome.succeeded else {
            let tail = standardError.flatMap { try? String(contentsOfFile: $0, encoding: .utf8) }.map { String($0.suffix(2_000)) } ?? ""
            throw BenchFailure(description: "\(arguments.prefix(2).joined(separator: " ")) failed (exit \(outcome.exitCode), signal \(outcome.signal)): \(tail)")
        }
        return outcome
    }
}

/// The 1-, 5- and 15-minute load averages, as /proc/loadavg shows them.
func loadAverage() -> String {
    guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return "?" }
    return text.split(separator: " ").prefix(3).joined(separator: " ")
}

/// CPU seconds (user + system) the cluster's processes have used so far: the postmaster,
/// its live children (backends, checkpointer, …; zombies included) and, through the
/// postmaster's cutime/cstime, every child it has already reaped. The difference across a
/// side is the server's CPU for it (plus whatever autovacuum did meanwhile), a figure that,
/// unlike wall time, hardly depends on how busy the shared machine is.
func clusterCPUSeconds(postmaster: Int32) -> Double {
    let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
    /// Fields after the `(comm)` of /proc/PID/stat: [0] state, [1] ppid, [11] utime, [12] stime, [13] cutime, [14] cstime.
    func fields(_ pid: String) -> [Substring]? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        return text[text.index(after: close)...].split(separator: " ")
    }
    var total = 0.0
    if let own = fields(String(postmaster)), own.count > 14 {
        total += [11, 12, 13, 14].reduce(0) { $0 + (Double(own[$1]) ?? 0) }
    }
    for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] where entry.first?.isNumber == true {
        guard let child = fields(entry), child.count > 14, child[1] == Substring(String(postmaster)) else { continue }
        total += [11, 12, 13, 14].reduce(0) { $0 + (Double(child[$1]) ?? 0) }
    }
    return total / ticks
}
