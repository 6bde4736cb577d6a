import ArgumentParser
import Foundation
import Segflow

/// How a command that extracts and builds snapshots executes: workers, table lock waits,
/// retries. Shared by `run` and `backfill` (inside `RunnerOptions`) and `evaluate`.
struct EngineOptions: ParsableArguments {
    @Option(help: "Dispatch workers for features and segments (default: all cores).")
    var workers: Int = ProcessInfo.processInfo.activeProcessorCount

    @OptionGroup var retry: RetryOptions

    @Option(help: "Seconds one statement may wait for a lock on a source or output table before the run gives up with exit 75 (default 300).")
    var tableLockTimeout: Double = PipelineRunner.Options.defaultTableLockTimeout

    func validate() throws {
        guard workers >= 1 else { throw ValidationError("--workers must be at least 1") }
        guard tableLockTimeout > 0 else { throw ValidationError("--table-lock-timeout must be positive") }
    }

    /// The runner options with `lockTimeout` for the pipeline lock.
    func runnerOptions(lockTimeout: Double? = 0) -> PipelineRunner.Options {
        PipelineRunner.Options(workers: workers, lockTimeout: lockTimeout, retryFor: retry.retryFor, tableLockTimeout: tableLockTimeout)
    }
}
