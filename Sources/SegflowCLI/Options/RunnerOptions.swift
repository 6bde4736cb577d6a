import ArgumentParser
import Foundation
import Segflow

/// How `run` and `backfill` execute: the engine's options, and waiting for the pipeline lock.
struct RunnerOptions: ParsableArguments {
    @OptionGroup var engine: EngineOptions

    @Option(help: "Seconds to wait while another run of the same pipeline holds the lock (default 0: fail at once).")
    var lockTimeout: Double = 0

    func validate() throws {
        guard lockTimeout >= 0 else { throw ValidationError("--lock-timeout cannot be negative") }
    }

    var runnerOptions: PipelineRunner.Options {
        engine.runnerOptions(lockTimeout: lockTimeout)
    }
}
