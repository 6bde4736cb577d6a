/// A subprocess (initdb, pg_ctl, createdb, psql, ...) failed, could not be
/// launched, or ran past its timeout.
public struct CommandFailedError: Error, CustomStringConvertible, Sendable {
    /// The command line as it was run, executable first (including any `runuser` prefix).
    public let command: [String]
    /// The exit status, or the signal number when `terminatedBySignal` is set;
    /// `nil` when the program could not be launched at all.
    public let exitStatus: Int32?
    /// Whether `exitStatus` is the number of the signal that ended the process.
    public let terminatedBySignal: Bool
    /// Whether we stopped the process because it ran past its timeout.
    public let timedOut: Bool
    /// The end of what the process wrote to standard error (or the launch error).
    public let standardErrorTail: String
    /// The end of what the process wrote to standard output.
    public let standardOutputTail: String

    public init(
        command: [String],
        exitStatus: Int32?,
        terminatedBySignal: Bool = false,
        timedOut: Bool = false,
        standardErrorTail: String,
        standardOutputTail: String = ""
    ) {
        self.command = command
        self.exitStatus = exitStatus
        self.terminatedBySignal = terminatedBySignal
        self.timedOut = timedOut
        self.standardErrorTail = standardErrorTail
        self.standardOutputTail = standardOutputTail
    }

    public var description: String {
        let commandLine = command.map(Self.shellQuoted).joined(separator: " ")
        var text = "LocalPostgres: command failed: \(commandLine)\n"
        if timedOut {
            text += "  timed out and was stopped"
        } else if let exitStatus {
            text += terminatedBySignal ? "  killed by signal \(exitStatus)" : "  exit status \(exitStatus)"
        } else {
            text += "  could not be launched"
        }
        let stderr = standardErrorTail.trimmingTrailingWhitespace()
        if !stderr.isEmpty {
            text += "\n  stderr:\n" + Self.indented(stderr)
        }
        let stdout = standardOutputTail.trimmingTrailingWhitespace()
        // stdout only helps when stderr said nothing (initdb and pg_ctl print progress there).
        if stderr.isEmpty, !stdout.isEmpty {
            text += "\n  stdout:\n" + Self.indented(stdout)
        }
        return text
    }

    static func indented(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { "    " + $0 }
            .joined(separator: "\n")
    }

    static func shellQuoted(_ word: String) -> String {
        let safe = word.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:,@%+".contains($0) }
        if safe, !word.isEmpty { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
