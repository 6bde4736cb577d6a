import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A child process started with `posix_spawn`, that inherits nothing but the
/// three standard descriptors we give it.
///
/// Why not Foundation's `Process`: on Linux it learns that a child exited when
/// a socket it passes to the child reaches end-of-file. `pg_ctl start` leaves
/// a postmaster behind, and the watchdog outlives us by design; both inherit
/// that socket, so `waitUntilExit` and `terminationHandler` never fire until
/// the server stops (seen: `swift test` hung with `runuser` zombies). Here we
/// close every inherited descriptor in the child and reap it with `waitpid`.
struct ChildProcess: Sendable {
    let pid: pid_t

    /// How the child ended.
    enum Termination: Sendable, Equatable {
        case exited(Int32)
        case signaled(Int32)
    }

    /// Starts `commandLine[0]` (an absolute path) with `commandLine[1...]` as arguments.
    ///
    /// - Parameters:
    ///   - standardOutput, standardError: descriptors to hand the child as 1 and 2;
    ///     `nil` means `/dev/null`. Standard input is always `/dev/null`.
    static func spawn(
        _ commandLine: [String],
        environment: [String: String],
        workingDirectory: String?,
        standardOutput: Int32?,
        standardError: Int32?
    ) throws -> ChildProcess {
        guard let executable = commandLine.first else {
            throw LocalPostgresError("empty command line")
        }

        #if canImport(Darwin)
        var actions: posix_spawn_file_actions_t?
        var attributes: posix_spawnattr_t?
        #else
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        #endif
        try check(posix_spawn_file_actions_init(&actions), "posix_spawn_file_actions_init")
        defer { posix_spawn_file_actions_destroy(&actions) }
        try check(posix_spawnattr_init(&attributes), "posix_spawnattr_init")
        defer { posix_spawnattr_destroy(&attributes) }

        try check(posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0), "addopen stdin")
        if let standardOutput {
            try check(posix_spawn_file_actions_adddup2(&actions, standardOutput, 1), "dup2 stdout")
        } else {
            try check(posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0), "addopen stdout")
        }
        if let standardError {
            try check(posix_spawn_file_actions_adddup2(&actions, standardError, 2), "dup2 stderr")
        } else {
            try check(posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0), "addopen stderr")
        }
        try closeInheritedDescriptors(&actions)
        if let workingDirectory {
            try changeDirectory(&actions, workingDirectory)
        }

        // Clean signal state: Swift/Dispatch threads may block signals or ignore
        // SIGPIPE, and a child would inherit that through exec.
        var signals = sigset_t()
        sigemptyset(&signals)
        try check(posix_spawnattr_setsigmask(&attributes, &signals), "setsigmask")
        for signal in [SIGPIPE, SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGCHLD, SIGUSR1, SIGUSR2, SIGALRM] {
            sigaddset(&signals, signal)
        }
        try check(posix_spawnattr_setsigdefault(&attributes, &signals), "setsigdefault")
        #if canImport(Darwin)
        // Darwin can close everything not mentioned in the file actions by itself.
        let flags = Int32(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_CLOEXEC_DEFAULT)
        #else
        let flags = Int32(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
        #endif
        try check(posix_spawnattr_setflags(&attributes, Int16(flags)), "setflags")

        let argv = commandLine.map { strdup($0) }
        defer { argv.forEach { free($0) } }
        let envp = environment.map { strdup("\($0.key)=\($0.value)") }
        defer { envp.forEach { free($0) } }

        var pid = pid_t()
        var argvPointers = argv + [nil]
        var envpPointers = envp + [nil]
        let status = argvPointers.withUnsafeMutableBufferPointer { argvBuffer in
            envpPointers.withUnsafeMutableBufferPointer { envpBuffer in
                guard let argvBase = argvBuffer.baseAddress, let envpBase = envpBuffer.baseAddress else { return EINVAL }
                return posix_spawn(&pid, executable, &actions, &attributes, argvBase, envpBase)
            }
        }
        guard status == 0 else {
            throw LocalPostgresError("could not run \(executable): \(String(cString: strerror(status)))")
        }
        return ChildProcess(pid: pid)
    }

    /// Waits for the child to exit, up to `timeout` seconds; `nil` if it is still running.
    func wait(timeout: TimeInterval) -> Termination? {
        let deadline = Date().addingTimeInterval(timeout)
        // Short polls first: most of our commands finish within milliseconds.
        var pause: useconds_t = 1_000
        while true {
            if let termination = poll() {
                return termination
            }
            if Date() >= deadline {
                return nil
            }
            usleep(pause)
            pause = min(pause * 2, 25_000)
        }
    }

    /// Blocks until the child exits.
    func waitForever() -> Termination {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else { return .exited(-1) }
        }
        return Self.termination(from: status)
    }

    /// Sends `signal` to the child.
    func send(_ signal: Int32) {
        kill(pid, signal)
    }

    /// Non-blocking reap; `nil` while the child runs.
    private func poll() -> Termination? {
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        if result == pid {
            return Self.termination(from: status)
        }
        if result == -1, errno != EINTR {
            // ECHILD: someone else reaped it; nothing more to learn.
            return .exited(-1)
        }
        return nil
    }

    private static func termination(from status: Int32) -> Termination {
        // The W* macros are not imported into Swift; these are their Linux/Darwin definitions.
        let signal = status & 0x7f
        if signal == 0 {
            return .exited((status >> 8) & 0xff)
        }
        return .signaled(signal)
    }

    private static func check(_ status: Int32, _ what: String) throws {
        guard status == 0 else {
            throw LocalPostgresError("\(what) failed: \(String(cString: strerror(status)))")
        }
    }

    #if canImport(Darwin)
    private static func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t?) throws {
        // POSIX_SPAWN_CLOEXEC_DEFAULT does it.
    }

    private static func changeDirectory(_ actions: inout posix_spawn_file_actions_t?, _ directory: String) throws {
        try check(posix_spawn_file_actions_addchdir_np(&actions, directory), "addchdir")
    }
    #else
    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32

    /// glibc ≥ 2.34 closes them all in one action; the function is a GNU
    /// extension Swift's Glibc module does not import, hence `dlsym`.
    private static func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) throws {
        if let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") {
            let addCloseFrom = unsafeBitCast(symbol, to: AddCloseFrom.self)
            try check(addCloseFrom(&actions, 3), "addclosefrom")
            return
        }
        // Older C libraries: close what is open now (a close of an fd closed in the
        // meantime is ignored by posix_spawn).
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for descriptor in open.compactMap(Int32.init) where descriptor > 2 {
            try check(posix_spawn_file_actions_addclose(&actions, descriptor), "addclose")
        }
    }

    /// glibc ≥ 2.29 (GNU extension, see above). Without it the child inherits our
    /// directory, which only costs a warning from PostgreSQL tools that can't read it.
    private static func changeDirectory(_ actions: inout posix_spawn_file_actions_t, _ directory: String) throws {
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addchdir_np") else { return }
        let addChdir = unsafeBitCast(symbol, to: AddChdir.self)
        try check(addChdir(&actions, directory), "addchdir")
    }
    #endif
}
