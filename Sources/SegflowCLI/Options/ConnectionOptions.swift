import ArgumentParser
import PostgresClient

/// Where the database is; shared by every subcommand that connects.
struct ConnectionOptions: ParsableArguments {
    @Option(
        name: [.customLong("database-url"), .customShort("d")],
        help: ArgumentHelp(
            "libpq connection string or URI. Default: $DATABASE_URL, else the PG* environment variables.",
            valueName: "conninfo"
        )
    )
    var databaseURL: String?

    var configuration: PostgresConfiguration {
        PostgresConfiguration.resolve(databaseURL)
    }
}
