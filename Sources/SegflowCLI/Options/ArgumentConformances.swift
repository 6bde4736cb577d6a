import ArgumentParser
import Logging
import PostgresClient
import Segflow

// Values the options parse directly, so a command gets typed values and never re-parses a
// string. A rejected value is echoed by ArgumentParser, which is why connection strings and
// the Pushgateway URL (they may carry a password) stay strings checked in `validate()`.

/// `2026-06-30`.
extension PostgresDate: ExpressibleByArgument {
    public init?(argument: String) {
        self.init(iso: argument)
    }
}

/// `day`, `week` or `month`.
extension BackfillPlan.Step: ExpressibleByArgument {}

/// `trace` … `critical`.
extension Logger.Level: @retroactive ExpressibleByArgument {}

/// `csv` or `jsonl`.
extension ExportFormat: ExpressibleByArgument {}
