import ArgumentParser
import Foundation
import PostgresClient
import Segflow

/// The process exit code of every command, decided here and nowhere else:
/// 0 ok; 2 usage or configuration error; 65 a data-quality gate failed (nothing
/// published); 75 a temporary failure worth retrying (transient database errors that
/// outlasted the retries, the pipeline lock not obtained within --lock-timeout, readers
/// blocking the snapshot swap); 1 anything else.
public enum ExitStatus {
    public static let ok: Int32 = 0
    public static let failure: Int32 = 1
    public static let usage: Int32 = 2
    public static let dataQuality: Int32 = 65
    public static let temporary: Int32 = 75

    /// Shown in every command's help.
    static let discussion = """
        Exit codes: 0 ok; 2 usage or configuration error; 65 a data-quality gate failed (nothing \
        published); 75 temporary failure worth retrying (database unavailable after --retry-for, \
        or the pipeline lock not obtained within --lock-timeout); 1 anything else.
        """

    public static func code(for error: any Error) -> Int32 {
        switch error {
        case let exit as ExitCode: exit.rawValue
        case is QualityGateError: dataQuality
        case is TransientFailureError, is PipelineLockedError, is SwapLockTimeoutError, is MigrationLockTimeoutError: temporary
        case _ where RetryPolicy.isTransient(error): temporary
        case is ValidationError, is PipelineValidationError, is BackfillPlanError, is SchemaTooNewError, is SchemaOutdatedError:
            usage
        default: failure
        }
    }

    /// Writes the error (its safe description) to standard error and returns the exit code
    /// to throw, so commands end with `catch { throw ExitStatus.exit(for: error) }`.
    public static func exit(for error: any Error) -> ExitCode {
        if let exit = error as? ExitCode { return exit }
        let code = code(for: error)
        FileHandle.standardError.write(Data("segflow: \(error)\n".utf8))
        return ExitCode(code)
    }
}

extension SegflowCommand {
    /// `ParsableCommand.main()` with the exit codes above: ArgumentParser would exit 64 on a
    /// usage error and 1 on any error a command throws; segflow exits 2, and 65/75/1 by type.
    public static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let parserCode = exitCode(for: error)
            if parserCode == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
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
