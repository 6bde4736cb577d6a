/// The PostgreSQL server did not come up (`pg_ctl start -w` failed).
///
/// Carries the tail of the server log, which is where the actual reason
/// (bad setting, port in use, shared memory) is written.
public struct ServerStartError: Error, CustomStringConvertible, Sendable {
    /// The data directory of the server that failed to start.
    public let dataDirectory: String
    /// The TCP port it was asked to listen on.
    public let port: Int
    /// The server log file.
    public let logFile: String
    /// The last lines of the server log at the time of failure.
    public let logTail: String
    /// The `pg_ctl` failure, if it was `pg_ctl` that reported it.
    public let underlying: CommandFailedError?

    public init(dataDirectory: String, port: Int, logFile: String, logTail: String, underlying: CommandFailedError?) {
        self.dataDirectory = dataDirectory
        self.port = port
        self.logFile = logFile
        self.logTail = logTail
        self.underlying = underlying
    }

    public var description: String {
        var text = "LocalPostgres: PostgreSQL server in \(dataDirectory) failed to start on port \(port)."
        if let underlying {
            text += "\n" + underlying.description
        }
        let tail = logTail.trimmingTrailingWhitespace()
        text += "\n  server log (\(logFile)):"
        text += tail.isEmpty ? " (empty)" : "\n" + CommandFailedError.indented(tail)
        return text
    }

    /// Whether the log says the port was taken, which is worth a retry on another port.
    var isPortConflict: Bool {
        let markers = ["could not bind", "Address already in use", "could not create any TCP/IP sockets"]
        return markers.contains { logTail.contains($0) }
    }
}
