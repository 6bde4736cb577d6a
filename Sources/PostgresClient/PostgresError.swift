/// An error from PostgreSQL or from this client.
///
/// `description` is safe to show to anyone: it never contains a password or the values
/// of a statement. `debugDescription` adds the server's detail, hint and the statement text.
public struct PostgresError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// What went wrong, extensible like postgres-nio's codes.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// Could not connect, or the connection broke.
        public static let connectionFailed = Code("connectionFailed")
        /// The server rejected a statement; see `sqlState`.
        public static let server = Code("server")
        /// The statement was cancelled (by `PostgresCanceller` or a statement timeout).
        public static let cancelled = Code("cancelled")
        /// A COPY stream did not follow the binary format or a value had an unexpected size.
        public static let decoding = Code("decoding")
        /// The server answered in a way this client does not expect.
        public static let protocolViolation = Code("protocolViolation")
        /// The caller asked for something this client cannot do.
        public static let invalidUsage = Code("invalidUsage")
    }

    public var code: Code
    public var message: String
    /// The five-character SQLSTATE, when the server sent one.
    public var sqlState: String?
    public var detail: String?
    public var hint: String?
    /// The statement that failed (text only; bound values are never kept).
    public var query: String?

    public init(code: Code, message: String, sqlState: String? = nil, detail: String? = nil, hint: String? = nil, query: String? = nil) {
        self.code = code
        self.message = message
        self.sqlState = sqlState
        self.detail = detail
        self.hint = hint
        self.query = query
    }

    public var description: String {
        if let sqlState { return "\(message) (SQLSTATE \(sqlState))" }
        return message
    }

    public var debugDescription: String {
        var text = description
        if let detail { text += "\nDETAIL: \(detail)" }
        if let hint { text += "\nHINT: \(hint)" }
        if let query { text += "\nQUERY: \(query)" }
        return text
    }

    /// Worth retrying after a pause: the connection dropped, the server is restarting or
    /// shutting down, or a transaction lost a serialization race or a deadlock. Failures
    /// caused by the configuration (wrong password, unknown database or role, unknown host)
    /// are not: they would fail the same way on every attempt.
    public var isTransient: Bool {
        let message = message.lowercased()
        if Self.configurationFailures.contains(where: message.contains) { return false }
        if code == .connectionFailed { return true }
        guard let sqlState else { return false }
        return sqlState.hasPrefix("08")      // connection exceptions
            || sqlState == "40001"           // serialization_failure
            || sqlState == "40P01"           // deadlock_detected
            || sqlState == "57P01"           // admin_shutdown
            || sqlState == "57P02"           // crash_shutdown
            || sqlState == "57P03"           // cannot_connect_now
            || sqlState == "53300"           // too_many_connections
    }

    /// What libpq and the server say when the connection settings, not the moment, are wrong.
    private static let configurationFailures = [
        "authentication failed", "does not exist", "no password supplied", "permission denied",
        "no pg_hba.conf entry", "invalid connection option", "could not translate host name",
    ]

    /// The statement was cancelled by a request or a timeout (SQLSTATE 57014).
    public var isCancellation: Bool { code == .cancelled || sqlState == "57014" }
}
