import ArgumentParser
import Foundation
import Logging
import Segflow

/// How every command ends on a failure: one report on standard error and the exit code
/// (`RunExitCode`'s, plus what only the command line knows: usage errors, explicit exits).
enum CommandFailure {
    static func code(for error: any Error) -> Int32 {
        switch error {
        case let exit as ExitCode: exit.rawValue
        case is ValidationError: RunExitCode.usage
        default: RunExitCode.code(for: error)
        }
    }

    /// Reports the error (its safe description) and returns the exit code to throw, so
    /// commands end with `catch { throw CommandFailure.exit(for: error) }`. `context` says
    /// what failed when the error alone would not ("cannot check the source tables").
    static func exit(for error: any Error, context: String? = nil) -> ExitCode {
        if let exit = error as? ExitCode { return exit }
        let code = code(for: error)
        report(error, context: context, exitCode: code)
        return ExitCode(code)
    }

    /// Writes a failure to standard error: `segflow: [context: ]<error>` as text (each line
    /// of a multi-line error, such as a pipeline file's problems, prefixed), or with
    /// `--log-format json` one JSON line at level error with `msg`, `error`, `exit_code` and,
    /// for segflow's own errors, their stable `code` (for alerts that must not parse messages).
    private static func report(_ error: any Error, context: String?, exitCode: Int32) {
        let stop = RunStop.requested.map { "stopped by \($0.reason)" }
        if LogBootstrap.isJSON {
            var metadata: Logger.Metadata = ["error": "\(error)", "exit_code": "\(exitCode)"]
            if let error = error as? any SegflowError { metadata["code"] = "\(error.code)" }
            Logger(label: "segflow").error("\(stop ?? context ?? "failed")", metadata: metadata)
            return
        }
        let prefix = "segflow: " + ([stop, context].compactMap { $0 }.map { $0 + ": " }.joined())
        let lines = "\(error)".split(separator: "\n", omittingEmptySubsequences: false).map { prefix + $0 + "\n" }
        FileHandle.standardError.write(Data(lines.joined().utf8))
    }
}
