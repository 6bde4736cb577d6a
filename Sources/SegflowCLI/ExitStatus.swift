import ArgumentParser
import Foundation
import Logging
import PostgresClient
import Segflow

/// The process exit code of every command, decided here and nowhere else: the library's
/// `RunExitCode` plus what only the command line knows (usage errors, explicit exits).
public enum ExitStatus {
    public static let ok = RunExitCode.ok
    public static let failure = RunExitCode.failure
    public static let usage = RunExitCode.usage
    public static let dataQuality = RunExitCode.dataQuality
    public static let temporary = RunExitCode.temporary
    public static let terminated = RunExitCode.terminated
    public static let interrupted = RunExitCode.interrupted

    /// Shown in every command's help.
    static let discussion = """
        Exit codes: 0 ok; 2 usage or configuration error; 65 a data-quality gate failed (nothing \
        published); 75 temporary failure worth retrying (database unavailable after --retry-for, \
        the pipeline lock not obtained within --lock-timeout, or a table lock within --table-lock-timeout); 143 stopped by SIGTERM, 130 by SIGINT \
        (running statements cancelled, the run recorded as cancelled); 1 anything else.
        """

    public static func code(for error: any Error) -> Int32 {
        switch error {
        case let exit as ExitCode: exit.rawValue
        case is ValidationError: usage
        default: RunExitCode.code(for: error)
        }
    }

    /// Writes the error (its safe description) to standard error and returns the exit code
    /// to throw, so commands end with `catch { throw ExitStatus.exit(for: error) }`.
    public static func exit(for error: any Error) -> ExitCode {
        if let exit = error as? ExitCode { return exit }
        let code = code(for: error)
        let stop = RunStop.requested
        let message = stop.map { "stopped by \($0.reason)" } ?? "failed"
        report(error, message: message, metadata: ["exit_code": "\(code)"])
        return ExitCode(code)
    }

    /// Writes a failure to standard error: `segflow: <error>` as text, or with
    /// `--log-format json` a JSON line at level error with `msg` and the `error` key.
    static func report(_ error: any Error, message: String, metadata: Logger.Metadata = [:]) {
        if LogBootstrap.isJSON {
            Logger(label: "segflow").error("\(message)", metadata: metadata.merging(["error": "\(error)"]) { $1 })
        } else if let stop = RunStop.requested {
            FileHandle.standardError.write(Data("segflow: stopped by \(stop.reason): \(error)\n".utf8))
        } else {
            FileHandle.standardError.write(Data("segflow: \(error)\n".utf8))
        }
    }
}

extension SegflowCommand {
    /// `ParsableCommand.main()` with the exit codes above: ArgumentParser would exit 64 on a
    /// usage error and 1 on any error a command throws; segflow exits 2, and 65/75/1 by type.
    public static func main() {
        StopSignals.install()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let parserCode = exitCode(for: error)
            if parserCode == .validationFailure {
                if LogBootstrap.jsonRequested(in: CommandLine.arguments) {
                    LogBootstrap.bootstrapOnce(level: .info, json: true)
                    Logger(label: "segflow").error("usage error", metadata: [
                        "error": "\(message(for: error))", "exit_code": "\(ExitStatus.usage)",
                    ])
                } else {
                    FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                }
                Foundation.exit(ExitStatus.usage)
            }
            if parserCode == .failure, !(error is ExitCode) {
                // An error a command threw without mapping it: map it here.
                Foundation.exit(ExitStatus.exit(for: error).rawValue)
            }
            exit(withError: error)
        }
    }
}
