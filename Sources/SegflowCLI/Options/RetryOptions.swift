import ArgumentParser
import Logging
import PostgresClient
import Segflow

/// `--retry-for`, declared once: `run` and `backfill` retry transient database failures
/// throughout (`PipelineRunner.Options.retryFor`); `migrate` and `generate` retry a
/// connection refused at start, so they can be started beside a database still starting.
struct RetryOptions: ParsableArguments {
    @Option(help: "Seconds to keep retrying transient database failures, such as a database not reachable yet (0: no retries).")
    var retryFor: Double = 600

    func validate() throws {
        guard retryFor >= 0 else { throw ValidationError("--retry-for cannot be negative") }
    }

    /// A connection, retried while the failure is transient (refused, starting up).
    func connect(_ configuration: PostgresConfiguration, logger: Logger) throws -> PostgresConnection {
        try RetryPolicy(retryFor: retryFor).run(logger: logger) { _ in
            try PostgresConnection(configuration, logger: logger)
        }
    }
}
