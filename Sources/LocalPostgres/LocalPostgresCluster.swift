import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A private, throwaway PostgreSQL cluster for the demo, tests and benchmarks.
///
/// ``start(options:logger:)`` creates a directory `/tmp/segflow-pg-XXXXXX`, runs
/// `initdb` into it, and starts a server tuned for fast disposable bulk loads
/// (no fsync, minimal WAL) that listens on a free port of 127.0.0.1 and on a
/// Unix socket in that directory. The superuser is `segflow`: trusted over the
/// socket, password-checked (SCRAM) over TCP.
///
/// The cluster is removed, server and directory, by ``stop()``, by `deinit`, at
/// normal process exit, and, if the process is killed, by a watchdog process
/// within about a second.
///
/// When running as root (CI, containers), the server programs run as an
/// unprivileged account (`postgres`, else `nobody`) through `runuser`, because
/// PostgreSQL refuses to run as root; clients such as `psql` still run as root.
///
/// All methods are thread-safe; lifecycle operations are serialized. They block
/// the calling thread while the PostgreSQL programs run (about a second for
/// ``start(options:logger:)``, milliseconds for the rest).
public final class LocalPostgresCluster: @unchecked Sendable {
    /// The superuser's name.
    public static let superuser = "segflow"

    /// TCP port the server listens on (on ``host``), and the number in the socket's name.
    public let port: Int
    /// The TCP address the server listens on: always the loopback.
    public let host = "127.0.0.1"
    /// The superuser (``superuser``).
    public let user = LocalPostgresCluster.superuser
    /// The superuser's password (needed over TCP only).
    public let password: String
    /// The cluster's root directory, removed by ``stop()``.
    public let directory: String
    /// Where the server's Unix socket lives (the root directory: short, so the socket path fits).
    public let socketDirectory: String
    /// The data directory (`PGDATA`).
    public let dataDirectory: String
    /// The directory of the PostgreSQL programs in use (`initdb`, `pg_ctl`, `psql`, ...).
    public let binDirectory: String
    /// The server log.
    public let logFile: String

    private let control: ServerControl
    private let runner: CommandRunner
    private let logger: Logger
    private let timeout: TimeInterval

    private enum State {
        case running
        case serverStopped
        case removed
    }

    private let lock = NSLock()
    /// Guarded by `lock`.
    private var state = State.running

    private init(control: ServerControl, port: Int, password: String, runner: CommandRunner, logger: Logger) {
        self.control = control
        self.port = port
        self.password = password
        self.directory = control.directory
        self.socketDirectory = control.directory
        self.dataDirectory = control.dataDirectory
        self.binDirectory = control.binaries.directory
        self.logFile = control.logFile
        self.runner = runner
        self.logger = logger
        self.timeout = control.timeout
    }

    deinit {
        stop()
    }

    // MARK: - Lifecycle

    /// Creates, configures and starts a new cluster.
    ///
    /// Takes about a second (initdb dominates). On failure nothing is left behind.
    ///
    /// - Throws: ``PostgresBinariesNotFoundError`` when PostgreSQL is not installed,
    ///   ``CommandFailedError`` when `initdb` fails, ``ServerStartError`` (with
    ///   the server log's tail) when the server does not come up,
    ///   ``LocalPostgresError`` for anything else.
    public static func start(options: Options = .init(), logger: Logger) throws -> LocalPostgresCluster {
        try options.validate()
        let runner = CommandRunner(logger: logger)
        let binaries = try PostgresBinaries.locate(explicitDirectory: options.binDirectory, runner: runner)
        let serverUser = try ServerUser.resolve(preferredAccount: options.systemUser)
        let password = options.password ?? randomPassword()

        let directory = try TemporaryDirectory.create(in: options.temporaryDirectoryRoot, prefix: "segflow-pg-")
        let dataDirectory = (directory as NSString).appendingPathComponent("data")
        let control = ServerControl(
            binaries: binaries,
            serverUser: serverUser,
            runner: runner,
            directory: directory,
            dataDirectory: dataDirectory,
            logFile: (dataDirectory as NSString).appendingPathComponent("server.log"),
            timeout: options.timeout
        )
        // Started before anything else, so even a crash during initdb leaves no directory.
        Watchdog.launch(ownerPID: getpid(), directory: directory, dataDirectory: dataDirectory, logger: logger)

        do {
            if let account = serverUser.account {
                try account.takeOwnership(of: directory)
            }
            try control.initialize(superuser: superuser, password: password)
            let port = try startOnFreePort(control, overrides: options.serverSettings, logger: logger)

            let cluster = LocalPostgresCluster(
                control: control, port: port, password: password, runner: runner, logger: logger
            )
            ClusterRegistry.shared.register(cluster)
            logger.info("started local PostgreSQL cluster", metadata: [
                "port": "\(port)",
                "directory": "\(directory)",
                "bin": "\(binaries.directory)",
                "server_user": "\(serverUser.account?.name ?? "current")",
            ])
            return cluster
        } catch {
            // pg_ctl may have given up waiting on a server that is still coming up.
            control.forceStop(logger: logger)
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
    }

    /// Starts the server on a kernel-chosen port, retrying with another port if
    /// someone else grabbed it between our probe and the server's bind.
    private static func startOnFreePort(_ control: ServerControl, overrides: [String: String], logger: Logger) throws -> Int {
        let attempts = 3
        for attempt in 1...attempts {
            let port = try PortAllocator.reservePort()
            try control.configure(port: port, overrides: overrides)
            do {
                try control.start(port: port)
                return port
            } catch let error as ServerStartError where error.isPortConflict && attempt < attempts {
                logger.notice("port was taken before the server bound it; retrying", metadata: ["port": "\(port)"])
                control.forceStop(logger: logger)
            }
        }
        // Unreachable: the last attempt either returns or rethrows.
        throw LocalPostgresError("could not start the server on a free port after \(attempts) attempts")
    }

    /// Stops the server (`pg_ctl stop -m fast`) and removes the cluster's directory.
    ///
    /// Idempotent and never throws: problems are logged, and the server is
    /// killed if a fast shutdown fails. After this the cluster cannot be used.
    public func stop() {
        let stoppedNow = lock.withLock { () -> Bool in
            guard state != .removed else { return false }
            if control.isRunning {
                do {
                    try control.stop(mode: "fast")
                } catch {
                    logger.warning("fast shutdown failed; forcing", metadata: ["error": "\(error)"])
                    control.forceStop(logger: logger)
                }
            }
            if FileManager.default.fileExists(atPath: directory) {
                do {
                    try FileManager.default.removeItem(atPath: directory)
                } catch {
                    logger.warning("could not remove the cluster directory", metadata: ["directory": "\(directory)", "error": "\(error)"])
                }
            }
            state = .removed
            return true
        }
        guard stoppedNow else { return }
        ClusterRegistry.shared.unregister(ObjectIdentifier(self))
        logger.info("stopped local PostgreSQL cluster", metadata: ["port": "\(port)", "directory": "\(directory)"])
    }

    /// Stops the server but keeps the data directory, so ``startServer()`` can
    /// bring the same data back (simulates a server going away mid-run).
    /// Does nothing if the server is already down.
    public func stopServer() throws {
        try lock.withLock {
            try requireNotRemoved()
            try stopServerLocked()
        }
    }

    /// Starts the server again on the same port and socket, with the same data.
    /// Does nothing if it is already running.
    public func startServer() throws {
        try lock.withLock {
            try requireNotRemoved()
            try startServerLocked()
        }
    }

    /// Stops the server (fast shutdown) and starts it again on the same port.
    /// Open connections are terminated; committed data is kept.
    public func restart() throws {
        try lock.withLock {
            try requireNotRemoved()
            try stopServerLocked()
            try startServerLocked()
        }
        logger.info("restarted local PostgreSQL server", metadata: ["port": "\(port)"])
    }

    private func stopServerLocked() throws {
        if control.isRunning {
            do {
                try control.stop(mode: "fast")
            } catch {
                // A server that died on its own between the check and pg_ctl is fine.
                guard !control.isRunning else { throw error }
            }
        }
        state = .serverStopped
    }

    private func startServerLocked() throws {
        if !control.isRunning {
            try control.start(port: port)
        }
        state = .running
    }

    private func requireNotRemoved() throws {
        guard state != .removed else {
            throw LocalPostgresError("the cluster on port \(port) was stopped and its directory removed")
        }
    }

    // MARK: - State

    /// Whether the postmaster is alive right now.
    public var isServerRunning: Bool {
        control.isRunning
    }

    /// The postmaster's process id while it runs.
    public var serverProcessID: Int32? {
        guard let pid = control.postmasterPID, control.isRunning else { return nil }
        return pid
    }

    // MARK: - Connections

    /// A libpq keyword/value connection string over the Unix socket; no password
    /// needed (trust): `host=SOCKETDIR port=PORT user=segflow dbname=DB`.
    public func connectionString(database: String = "postgres") -> String {
        ConnectionString.make([
            ("host", socketDirectory),
            ("port", String(port)),
            ("user", user),
            ("dbname", database),
        ])
    }

    /// A libpq connection string over TCP to 127.0.0.1, authenticated by password.
    ///
    /// - Parameter password: the password to send; `nil` means the right one.
    ///   Pass another to exercise authentication failures.
    public func tcpConnectionString(database: String = "postgres", password: String? = nil) -> String {
        ConnectionString.make([
            ("host", host),
            ("port", String(port)),
            ("user", user),
            ("password", password ?? self.password),
            ("dbname", database),
            // The server has no TLS; saying so saves libpq a round trip.
            ("sslmode", "disable"),
        ])
    }

    // MARK: - Databases and SQL

    /// Creates database `name` with the cluster's own `createdb`, over the socket.
    public func createDatabase(_ name: String) throws {
        try lock.withLock { try requireNotRemoved() }
        let createdb = try control.binaries.path(of: "createdb")
        try runner.runChecked([createdb] + clientConnectionArguments + ["--", name], timeout: timeout)
    }

    /// Drops database `name` if it exists, disconnecting its sessions first (`dropdb --force`).
    public func dropDatabase(_ name: String) throws {
        try lock.withLock { try requireNotRemoved() }
        let dropdb = try control.binaries.path(of: "dropdb")
        try runner.runChecked([dropdb] + clientConnectionArguments + ["--if-exists", "--force", "--", name], timeout: timeout)
    }

    /// Runs `sql` with the cluster's `psql` over the socket and returns the rows
    /// unaligned, one per line, columns separated by `|`, without headers
    /// (`psql -X -A -t -v ON_ERROR_STOP=1`). Several statements in one string
    /// run in one implicit transaction.
    ///
    /// Meant for tests and setup scripts, not for moving data.
    @discardableResult
    public func psql(_ sql: String, database: String = "postgres", timeout: TimeInterval? = nil) throws -> String {
        try lock.withLock { try requireNotRemoved() }
        let psql = try control.binaries.path(of: "psql")
        let result = try runner.runChecked(
            [psql, "-X", "-q", "-A", "-t", "-w", "-v", "ON_ERROR_STOP=1", "-d", connectionString(database: database), "-c", sql],
            timeout: timeout ?? self.timeout
        )
        return result.standardOutput.trimmingTrailingWhitespace()
    }

    private var clientConnectionArguments: [String] {
        ["-h", socketDirectory, "-p", String(port), "-U", user, "-w"]
    }

    private static func randomPassword() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<3).map { _ in
            let word = String(generator.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - word.count) + word
        }.joined()
    }
}

extension LocalPostgresCluster: CustomStringConvertible {
    public var description: String {
        "LocalPostgresCluster(port: \(port), directory: \(directory), bin: \(binDirectory))"
    }
}
