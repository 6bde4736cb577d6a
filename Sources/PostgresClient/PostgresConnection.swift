import CLibPQ
import Foundation
import Logging

/// One connection to PostgreSQL over libpq. Owns its `PGconn` and frees it exactly once.
///
/// A connection is used by one thread at a time (it is not `Sendable`); run parallel work
/// over several connections. `makeCanceller()` gives a handle another thread may use to
/// cancel the running statement. Every session starts with `DateStyle=ISO` and
/// `TimeZone=UTC`, so text results parse the same everywhere.
public final class PostgresConnection {
    private(set) var handle: OpaquePointer?
    public let configuration: PostgresConfiguration
    public let logger: Logger
    /// Strings that must never appear in an error message (passwords).
    let secrets: [String]
    /// This connection's entry in `PostgresCancellation` (nil: not cancelled by `cancelAll`).
    private var cancellationID: Int?

    public init(_ configuration: PostgresConfiguration, logger: Logger = Logger(label: "segflow.postgres")) throws {
        self.configuration = configuration
        self.logger = logger
        self.secrets = configuration.secrets
        // A string libpq cannot parse fails the same way every time: a configuration error.
        try configuration.validate()

        // After a stop was requested only connections that record it (the ledger's) may open.
        if configuration.cancelledByCancelAll, PostgresCancellation.isRequested { throw PostgresCancellation.stoppingError }

        // expand_dbname lets `dbname` carry a whole connection string or URI.
        let keywords = ["dbname", "fallback_application_name", "client_encoding"]
        let values = [configuration.connectionString, configuration.applicationName, "UTF8"]
        let connection = withCStringArray(keywords) { keywordPointers in
            withCStringArray(values) { valuePointers in
                PQconnectdbParams(keywordPointers, valuePointers, 1)
            }
        }
        guard let connection else {
            throw PostgresError(code: .connectionFailed, message: "could not allocate a libpq connection")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = Self.scrub(Self.lastErrorMessage(connection), secrets: secrets)
            PQfinish(connection)
            throw PostgresError(
                code: .connectionFailed,
                message: "could not connect to PostgreSQL (\(configuration.redacted.isEmpty ? "PG* environment" : configuration.redacted)): \(message)"
            )
        }
        handle = connection
        PQsetNoticeProcessor(connection, { context, message in
            guard let context, let message else { return }
            let connection = Unmanaged<PostgresConnection>.fromOpaque(context).takeUnretainedValue()
            let text = String(cString: message).trimmingCharacters(in: .whitespacesAndNewlines)
            connection.logger.debug("postgres notice", metadata: ["notice": .string(text)])
        }, Unmanaged.passUnretained(self).toOpaque())
        if configuration.cancelledByCancelAll, let cancel = PQgetCancel(connection) {
            cancellationID = PostgresCancellation.register(PostgresCanceller(owning: cancel))
        }
        try simpleQuery("set datestyle to 'ISO'; set timezone to 'UTC'; set extra_float_digits to 3")
    }

    deinit {
        if let cancellationID { PostgresCancellation.unregister(cancellationID) }
        if let handle { PQfinish(handle) }
    }

    /// Closes the connection now instead of at deinit.
    public func close() {
        if let cancellationID { PostgresCancellation.unregister(cancellationID) }
        cancellationID = nil
        if let handle { PQfinish(handle) }
        handle = nil
    }

    public var isOpen: Bool {
        guard let handle else { return false }
        return PQstatus(handle) == CONNECTION_OK
    }

    /// The server version as an integer, e.g. 150018 for 15.18.
    public var serverVersion: Int {
        guard let handle else { return 0 }
        return Int(PQserverVersion(handle))
    }

    /// The socket's file descriptor, -1 when closed (tests break it to simulate a lost peer).
    var socketDescriptor: Int32 {
        guard let handle else { return -1 }
        return PQsocket(handle)
    }

    /// The server process serving this connection (`pg_backend_pid()`), 0 when closed.
    public var backendPID: Int32 {
        guard let handle else { return 0 }
        return PQbackendPID(handle)
    }

    /// Bounds this session's waits for a lock (`lock_timeout`); a statement that waits longer
    /// fails with SQLSTATE 55P03. 0 waits forever. With `local`, only until the transaction ends.
    public func setLockTimeout(seconds: Double, local: Bool = false) throws {
        let milliseconds = Int((max(0, seconds) * 1000).rounded(.up))
        try execute("select set_config('lock_timeout', \(String(milliseconds)), \(local))")
    }

    /// A server parameter reported at connection time (`server_encoding`, `standard_conforming_strings`, …).
    public func parameterStatus(_ name: String) -> String? {
        guard let handle, let value = PQparameterStatus(handle, name) else { return nil }
        return String(cString: value)
    }

    /// Runs one statement with bound parameters and returns its rows.
    @discardableResult
    public func execute(_ query: PostgresQuery) throws -> PostgresResult {
        let handle = try liveHandle()
        let result = withCStringArray(query.binds) { values in
            PQexecParams(handle, query.sql, Int32(query.binds.count), nil, values, nil, nil, 0)
        }
        return try checked(result, query: query.sql)
    }

    /// Runs a script of one or more statements without parameters (migrations, DDL).
    @discardableResult
    public func simpleQuery(_ sql: String) throws -> PostgresResult {
        let handle = try liveHandle()
        return try checked(PQexec(handle, sql), query: sql)
    }

    /// A handle that cancels this connection's running statement from any thread.
    public func makeCanceller() throws -> PostgresCanceller {
        let handle = try liveHandle()
        guard let cancel = PQgetCancel(handle) else {
            throw PostgresError(code: .invalidUsage, message: "cannot create a cancel request for this connection")
        }
        return PostgresCanceller(owning: cancel)
    }

    /// Cancels this session's statements after `milliseconds` (0 turns the limit off).
    public func setStatementTimeout(milliseconds: Int) throws {
        try execute("select set_config('statement_timeout', \(String(milliseconds)), false)")
    }

    // MARK: - Internals shared with the COPY and transaction extensions

    func liveHandle() throws -> OpaquePointer {
        guard let handle else {
            throw PostgresError(code: .invalidUsage, message: "the connection is closed")
        }
        // A stop was requested: no new statement (the session ends and the server rolls back).
        if cancellationID != nil, PostgresCancellation.isRequested { throw PostgresCancellation.stoppingError }
        return handle
    }

    /// Turns a `PGresult` into a `PostgresResult` or an error; frees it on error.
    func checked(_ result: OpaquePointer?, query: String) throws -> PostgresResult {
        guard let result else {
            throw connectionError(query: query)
        }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return PostgresResult(owning: result)
        default:
            let error = makeError(result, query: query)
            PQclear(result)
            throw error
        }
    }

    /// The error a failed result carries, with SQLSTATE, detail and hint.
    func makeError(_ result: OpaquePointer, query: String) -> PostgresError {
        func field(_ code: Character) -> String? {
            guard let ascii = code.asciiValue, let value = PQresultErrorField(result, Int32(ascii)) else { return nil }
            return scrub(String(cString: value))
        }
        let sqlState = field("C")
        var message = field("M") ?? scrub(PQresultErrorMessage(result).map { String(cString: $0) } ?? "")
        if message.isEmpty, let handle { message = scrub(Self.lastErrorMessage(handle)) }
        if message.isEmpty {
            let status = PQresultStatus(result)
            message = "unexpected result status \(String(cString: PQresStatus(status)))"
        }
        let code: PostgresError.Code
        if sqlState == "57014" {
            code = .cancelled
        } else if sqlState?.hasPrefix("08") == true || sqlState == "57P01" || sqlState == "57P02"
                    || (handle.map { PQstatus($0) != CONNECTION_OK } ?? true) || (sqlState == nil && connectionLost(message: message)) {
            // Also the server's "terminating connection" (admin or crash shutdown): the session is gone.
            code = .connectionFailed
        } else if sqlState == nil {
            code = .protocolViolation
        } else {
            code = .server
        }
        return PostgresError(code: code, message: message, sqlState: sqlState, detail: field("D"), hint: field("H"), query: query)
    }

    func connectionError(query: String?) -> PostgresError {
        let message = handle.map { scrub(Self.lastErrorMessage($0)) } ?? "the connection is closed"
        return PostgresError(
            code: connectionLost(message: message) ? .connectionFailed : .protocolViolation,
            message: message.isEmpty ? "lost the connection to PostgreSQL" : message,
            query: query
        )
    }

    /// Whether an error without SQLSTATE means the connection is gone, judged by what
    /// happened rather than by the transport: over a Unix socket a server restart shows as
    /// "server closed the connection unexpectedly" while `PQstatus` may still read OK, so
    /// the socket is also probed (`PQconsumeInput` fails on a closed one) and libpq's own
    /// words for a lost connection are recognised.
    func connectionLost(message: String) -> Bool {
        guard let handle else { return true }
        if PQstatus(handle) != CONNECTION_OK || PQsocket(handle) < 0 { return true }
        let text = message.lowercased()
        if Self.lostConnectionMessages.contains(where: text.contains) { return true }
        // Not inside a command: probing cannot consume a result someone still waits for.
        if PQisBusy(handle) == 0, PQconsumeInput(handle) == 0 { return true }
        return PQstatus(handle) != CONNECTION_OK
    }

    /// libpq's messages for a connection that broke (fe-misc.c, fe-secure.c, fe-exec.c).
    static let lostConnectionMessages = [
        "server closed the connection unexpectedly", "connection to server was lost", "no connection to the server",
        "could not receive data from server", "could not send data to server", "terminating connection",
        "connection reset by peer", "broken pipe", "ssl syscall error", "eof detected",
    ]

    func scrub(_ message: String) -> String {
        Self.scrub(message, secrets: secrets)
    }

    static func scrub(_ message: String, secrets: [String]) -> String {
        SecretMasking.mask(message, secrets: secrets)
    }

    static func lastErrorMessage(_ connection: OpaquePointer) -> String {
        guard let message = PQerrorMessage(connection) else { return "" }
        return String(cString: message).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Calls `body` with a C array of C strings (nil stays a NULL pointer), freed afterwards.
func withCStringArray<R>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    let pointers: [UnsafeMutablePointer<CChar>?] = strings.map { $0.flatMap { strdup($0) } }
    defer { pointers.forEach { free($0) } }
    return body(pointers.map { $0.map { UnsafePointer($0) } } + [nil])
}
