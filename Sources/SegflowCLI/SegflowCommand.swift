import ArgumentParser
import Foundation
import Logging
import Segflow

/// The `segflow` command line: one subcommand per file in `Commands/`.
public struct SegflowCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "segflow",
        abstract: "Batch ETL from a store's PostgreSQL data to customer segments and KPI snapshots.",
        version: SegflowVersion.current,
        subcommands: [
            RunCommand.self,
            BackfillCommand.self,
            EvaluateCommand.self,
            ExportCommand.self,
            MigrateCommand.self,
            GrantBICommand.self,
            ValidateCommand.self,
            StatusCommand.self,
            GenerateCommand.self,
            DemoCommand.self,
        ]
    )

    public init() {}
}

extension SegflowCommand {
    /// `ParsableCommand.main()` with segflow's exit codes: ArgumentParser would exit 64 on a
    /// usage error and 1 on any error a command throws; segflow exits 2, and 65/75/1 by the
    /// error's code (`CommandFailure`).
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
                        "error": "\(message(for: error))", "exit_code": "\(RunExitCode.usage)",
                    ])
                } else {
                    FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                }
                Foundation.exit(RunExitCode.usage)
            }
            if parserCode == .failure, !(error is ExitCode) {
                // An error a command let through: reported like every other failure.
                Foundation.exit(CommandFailure.exit(for: error).rawValue)
            }
            exit(withError: error)
        }
    }
}
