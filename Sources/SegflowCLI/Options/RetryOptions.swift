import ArgumentParser
import Logging
import PostgresClient
import Segflow

/// `--retry-for` for commands that only need the database to be up when they start
/// (`migrate`, `generate`): a refused connection at start is retried with `run`'s
/// `RetryPolicy`, so they can be started beside a database that is still starting.
struct StartRetryOptions: ParsableArguments {
    @Option(help: "Seconds to keep retrying a database that is not reachable yet at start (0: no retries).")
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
