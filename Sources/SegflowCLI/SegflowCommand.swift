import ArgumentParser
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
