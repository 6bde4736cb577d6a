import ArgumentParser
import Foundation
import PostgresClient
import SegflowGenerator

/// `segflow generate`: fills `shop` (and the ground truth in `shop_truth`) with synthetic data.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Fill the source schema with realistic synthetic data.",
        discussion: """
            Creates the schemas shop and shop_truth and loads customers with personas, web sessions, \
            orders, order lines, support chats, the catalogue and fx rates. The same seed (and --end, \
            --years, --dirty) always gives the same rows, whatever --workers. With --dirty, about that \
            share of each table's rows carries a defect, listed in shop_truth.injected_defects.
            """
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var retry: RetryOptions
    @OptionGroup var logging: LoggingOptions

    @Option(help: "Customers to generate (≈ 20 sessions, 5 orders, 12 order lines and 1 chat each).")
    var customers: Int

    @Option(help: "Random seed; the same seed gives the same data.")
    var seed: UInt64

    @Option(help: ArgumentHelp("Share of defective rows per table, e.g. 0.02 (0: clean data).", valueName: "rate"))
    var dirty: Double = 0

    @Option(help: ArgumentHelp("Last day of the data, YYYY-MM-DD (never today's date: output must not depend on the clock).", valueName: "day"))
    var end: PostgresDate = GeneratorConfiguration.defaultEndDay

    @Option(help: "Years of history before --end.")
    var years: Int = 3

    @Option(help: "Threads that generate rows (default: the number of cores). Does not change the data.")
    var workers: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: "Drop and recreate shop and shop_truth if they already exist.")
    var replace = false

    @Flag(inversion: .prefixedNo, help: "Create the extraction indexes and analyze after loading.")
    var indexes = true

    func validate() throws {
        do {
            try generatorConfiguration.validate()
        } catch {
            throw ValidationError("\(error)")
        }
    }

    var generatorConfiguration: GeneratorConfiguration {
        GeneratorConfiguration(
            customers: customers, seed: seed, dirtyRate: dirty, endDay: end,
            years: years, workers: workers, replace: replace, createIndexes: indexes
        )
    }

    func run() throws {
        let logger = logging.makeLogger(label: "segflow.generate")
        // Waits for a database that is still starting, as `run` does; then errors (a non-empty
        // shop without --replace, a failed COPY) end the command with their message.
        try retry.connect(connection.configuration, logger: logger).close()
        let report = try DataGenerator(configuration: generatorConfiguration, logger: logger).run(database: connection.configuration)
        print(report.summary)
    }
}
