import ArgumentParser
import Foundation
import Segflow

/// How `run` and `backfill` execute: workers, waiting for the pipeline lock, retrying.
struct RunnerOptions: ParsableArguments {
    @Option(help: "Dispatch workers for features and segments (default: all cores).")
    var workers: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Seconds to wait while another run of the same pipeline holds the lock (default 0: fail at once).")
    var lockTimeout: Double = 0

    @OptionGroup var retry: RetryOptions

    @Option(help: "Seconds one statement may wait for a lock on a source or output table before the run gives up with exit 75 (default 300).")
    var tableLockTimeout: Double = PipelineRunner.Options.defaultTableLockTimeout

    func validate() throws {
        guard workers >= 1 else { throw ValidationError("--workers must be at least 1") }
        guard lockTimeout >= 0 else { throw ValidationError("--lock-timeout cannot be negative") }
        guard tableLockTimeout > 0 else { throw ValidationError("--table-lock-timeout must be positive") }
    }

    var runnerOptions: PipelineRunner.Options {
        PipelineRunner.Options(workers: workers, lockTimeout: lockTimeout, retryFor: retry.retryFor, tableLockTimeout: tableLockTimeout)
    }
}
