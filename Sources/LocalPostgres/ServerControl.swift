import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The server-side commands of one cluster: `initdb`, configuration, `pg_ctl`
/// start and stop, and liveness. Holds no mutable state; the cluster serializes calls.
struct ServerControl: Sendable {
    let binaries: PostgresBinaries
    let serverUser: ServerUser
    let runner: CommandRunner
    /// The cluster's root directory (also the Unix socket directory).
    let directory: String
    let dataDirectory: String
    let logFile: String
    let timeout: TimeInterval

    /// Runs `initdb` and hooks our configuration file into `postgresql.conf`.
    func initialize(superuser: String, password: String) throws {
        let passwordFile = (directory as NSString).appendingPathComponent(".pwfile")
        try writeFile(passwordFile, contents: password + "\n", permissions: 0o600)
        // The password must not outlive initdb on disk.
        defer { try? FileManager.default.removeItem(atPath: passwordFile) }

        let initdb = try binaries.path(of: "initdb")
        try runner.runChecked(
            serverUser.commandLine(initdb, [
                "-D", dataDirectory,
                "-U", superuser,
                "--encoding=UTF8",
                "--locale=C",
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                "--pwfile=\(passwordFile)",
                // No fsync of the new files: the cluster is disposable, and it saves most of initdb's time.
                "--no-sync",
            ]),
            workingDirectory: directory,
            timeout: timeout
        )

        let mainConfiguration = (dataDirectory as NSString).appendingPathComponent("postgresql.conf")
        guard let handle = FileHandle(forWritingAtPath: mainConfiguration) else {
            throw LocalPostgresError("could not open \(mainConfiguration) to add our settings")
        }
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("\ninclude '\(ServerConfiguration.fileName)'\n".utf8))
    }

    /// Writes `segflow.conf` for `port` (rewritten before each start attempt).
    func configure(port: Int, overrides: [String: String]) throws {
        let contents = ServerConfiguration.render(port: port, socketDirectory: directory, overrides: overrides)
        let path = (dataDirectory as NSString).appendingPathComponent(ServerConfiguration.fileName)
        try writeFile(path, contents: contents, permissions: 0o600)
    }

    /// `pg_ctl start -w`, logging to ``logFile``.
    ///
    /// - Throws: ``ServerStartError`` with the log tail.
    func start(port: Int) throws {
        let failure: CommandFailedError
        do {
            let pgCtl = try binaries.path(of: "pg_ctl")
            let result = try runner.run(
                serverUser.commandLine(pgCtl, ["start", "-w", "-t", String(Int(timeout)), "-D", dataDirectory, "-l", logFile]),
                workingDirectory: directory,
                // pg_ctl enforces -t itself; ours is a backstop.
                timeout: timeout + 15
            )
            if result.succeeded { return }
            failure = result.failure()
        } catch let error as CommandFailedError {
            failure = error
        }
        throw ServerStartError(dataDirectory: dataDirectory, port: port, logFile: logFile, logTail: logTail(), underlying: failure)
    }

    /// `pg_ctl stop -w -m <mode>` (`fast` rolls back open transactions; `immediate` skips the checkpoint).
    ///
    /// Returns once the postmaster process is gone, not just its pid file, so
    /// the port and the socket are free when this returns.
    func stop(mode: String) throws {
        let pid = postmasterPID
        let pgCtl = try binaries.path(of: "pg_ctl")
        try runner.runChecked(
            serverUser.commandLine(pgCtl, ["stop", "-w", "-t", String(Int(timeout)), "-m", mode, "-D", dataDirectory]),
            workingDirectory: directory,
            timeout: timeout + 15
        )
        // pg_ctl returns when the pid file is removed, a moment before the process exits.
        if let pid {
            for _ in 0..<500 where processExists(pid) {
                usleep(10_000)
            }
        }
    }

    /// Stops the server whatever it takes; never throws. For error paths and cleanup.
    func forceStop(logger: Logger) {
        guard isRunning else { return }
        do {
            try stop(mode: "immediate")
            return
        } catch {
            logger.warning("pg_ctl stop -m immediate failed; killing the postmaster", metadata: ["error": "\(error)"])
        }
        guard let pid = postmasterPID else { return }
        kill(pid, SIGKILL)
        for _ in 0..<50 where processExists(pid) {
            usleep(100_000)
        }
    }

    /// The postmaster's pid from `postmaster.pid`, if the file exists.
    var postmasterPID: pid_t? {
        let pidFile = (dataDirectory as NSString).appendingPathComponent("postmaster.pid")
        guard let contents = try? String(contentsOfFile: pidFile, encoding: .utf8),
              let firstLine = contents.split(separator: "\n").first
        else { return nil }
        return pid_t(firstLine.trimmingCharacters(in: .whitespaces))
    }

    /// Whether a postmaster for this data directory is alive.
    var isRunning: Bool {
        guard let pid = postmasterPID else { return false }
        return processExists(pid)
    }

    /// The last lines of the server log, for error messages.
    func logTail(lines: Int = 30) -> String {
        guard let handle = FileHandle(forReadingAtPath: logFile) else { return "" }
        defer { try? handle.close() }
        // Only the end matters, and the log of a long run can be large.
        let window: UInt64 = 64 * 1024
        let size = (try? handle.seekToEnd()) ?? 0
        try? handle.seek(toOffset: size > window ? size - window : 0)
        let data = (try? handle.readToEnd()) ?? Data()
        return String(decoding: data, as: UTF8.self).lastLines(lines)
    }

    /// Whether `pid` is a live (not zombie) process.
    private func processExists(_ pid: pid_t) -> Bool {
        // EPERM means it exists but belongs to someone else.
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        // A postmaster that exited is reparented to init; where init does not reap
        // (some containers), it lingers as a zombie that kill(0) still finds.
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let afterName = stat.range(of: ") ", options: .backwards)
        else { return true }
        return stat[afterName.upperBound...].first != "Z"
    }

    /// Writes a file the server account can read (we may be root writing into its directory).
    private func writeFile(_ path: String, contents: String, permissions: Int) throws {
        guard FileManager.default.createFile(
            atPath: path,
            contents: Data(contents.utf8),
            attributes: [.posixPermissions: permissions]
        ) else {
            throw LocalPostgresError("could not write \(path)")
        }
        if let account = serverUser.account {
            try account.takeOwnership(of: path)
        }
    }
}
