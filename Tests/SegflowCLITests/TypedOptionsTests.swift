import ArgumentParser
import Logging
import PostgresClient
import Segflow
import Testing
@testable import SegflowCLI

/// Options are parsed into typed values once; a bad value is a usage error at parse time.
@Suite struct TypedOptionsTests {
    @Test func daysStepsAndLevelsAreParsedOnce() throws {
        let backfill = try BackfillCommand.parse(["--from", "2026-01-31", "--to", "2026-06-30", "--every", "week", "--log-level", "debug"])
        #expect(backfill.from == PostgresDate(iso: "2026-01-31"))
        #expect(backfill.to == PostgresDate(iso: "2026-06-30"))
        #expect(backfill.every == .week)
        #expect(backfill.logging.logLevel == .debug)
        #expect(try RunCommand.parse(["--as-of", "2026-06-30"]).asOf == PostgresDate(iso: "2026-06-30"))
        #expect(try BackfillCommand.parse(["--from", "2026-01-31", "--to", "2026-06-30"]).every == .month)
    }

    @Test func badValuesAreUsageErrors() {
        let bad: [[String]] = [
            ["run", "--as-of", "2026-02-30"], ["run", "--as-of", "yesterday"],
            ["backfill", "--from", "2026-06-30", "--to", "2026-01-31"],
            ["backfill", "--from", "2026-01-31", "--to", "2026-06-30", "--every", "fortnight"],
            ["run", "--as-of", "2026-06-30", "--log-level", "loud"],
            ["run", "--as-of", "2026-06-30", "--retry-for", "-1"],
            ["migrate", "--retry-for", "-1"],
            ["evaluate", "--calibration-end", "2026-06-30", "--holdout-end", "2026-06-30"],
            ["evaluate", "--calibration-end", "2026-06-30", "--holdout-end", "2026-03-31"],
            ["evaluate", "--calibration-end", "2026-03-31", "--holdout-end", "2026-02-30"],
            ["evaluate", "--calibration-end", "2026-03-31", "--holdout-end", "2026-06-30", "--lock-timeout", "5"],
        ]
        for arguments in bad {
            #expect(throws: (any Error).self, "\(arguments)") { try SegflowCommand.parseAsRoot(arguments) }
            do {
                _ = try SegflowCommand.parseAsRoot(arguments)
            } catch {
                #expect(SegflowCommand.exitCode(for: error) == .validationFailure, "\(arguments): \(error)")
            }
        }
    }

    @Test func retryForIsOneOptionForEveryCommand() throws {
        #expect(try RunCommand.parse(["--as-of", "2026-06-30", "--retry-for", "5"]).execution.runnerOptions.retryFor == 5)
        #expect(try MigrateCommand.parse(["--retry-for", "5"]).retry.retryFor == 5)
        #expect(try EvaluateCommand.parse(["--calibration-end", "2026-03-31", "--holdout-end", "2026-06-30", "--retry-for", "5"])
            .engine.runnerOptions().retryFor == 5)
        #expect(try GenerateCommand.parse(["--customers", "100", "--seed", "1", "--retry-for", "5"]).retry.retryFor == 5)
    }
}
