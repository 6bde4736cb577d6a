import ArgumentParser
import Foundation
import LocalPostgres
import PostgresClient
import Segflow
import SegflowGenerator

/// `segflow demo`: the whole product on a throwaway PostgreSQL, in one command.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Generate a store on a throwaway PostgreSQL, run the pipeline and print the segments.",
        discussion: "The cluster lives in a temporary directory and is removed when the command ends."
    )

    @OptionGroup var pipelineOptions: PipelineOptions
    @OptionGroup var logging: LoggingOptions

    @Option(help: "Customers to generate.")
    var customers: Int = 50_000

    @Option(help: "Random seed of the generated store.")
    var seed: UInt64 = 42

    @Option(help: ArgumentHelp("Share of defective source rows, to see the quarantine at work.", valueName: "rate"))
    var dirty: Double = 0.01

    @Option(help: ArgumentHelp("Snapshot day (default: the last day of the generated data).", valueName: "date"))
    var asOf: PostgresDate = GeneratorConfiguration.defaultEndDay

    func validate() throws {
        guard customers >= 100 else { throw ValidationError("--customers must be at least 100") }
    }

    func run() throws {
        let logger = logging.makeLogger(defaultLevel: .warning)
        let pipeline = try pipelineOptions.load()
        let day = asOf

        print("starting a throwaway PostgreSQL cluster…")
        let cluster = try LocalPostgresCluster.start(logger: logger)
        defer { cluster.stop() }
        try cluster.createDatabase("shop")
        let database = PostgresConfiguration(connectionString: cluster.connectionString(database: "shop"))
        print("  \(cluster.connectionString(database: "shop")) (removed at exit)")

        print("generating \(customers) customers (seed \(seed), \(Int(dirty * 100))% defective rows)…")
        let generation = try DataGenerator(
            configuration: GeneratorConfiguration(customers: customers, seed: seed, dirtyRate: dirty, endDay: day),
            logger: logger
        ).run(database: database)
        print(generation.summary)

        let connection = try PostgresConnection(database, logger: logger)
        let applied = try SchemaMigrator(connection: connection, schema: pipeline.output.schema, logger: logger).migrate()
        print("output schema '\(pipeline.output.schema)': \(applied.count) migrations applied")

        print("running pipeline '\(pipeline.name)' as of \(day)…")
        let report = try PipelineRunner(database: database, pipeline: pipeline, logger: logger).run(asOf: day)
        print(RunSummary(report: report).text)
        try printKPIs(connection, schema: pipeline.output.schema, primary: pipeline.primarySegmentation?.key)
        try printModels(connection, schema: pipeline.output.schema, asOf: day)
        print("""

            tables (schema \(pipeline.output.schema)): customer_features, customer_segments, segment_definitions,
              segment_kpis, kpi_snapshots, segment_transitions, model_fits, runs, quarantine; views current_*.
              Documented in docs/output-tables.md. Point any server at them with: segflow run -d <conninfo> --as-of <day>
            """)
    }

    /// The fitted customer-base models (from `model_fits`) and the segments with the highest mean
    /// predicted lifetime value, then where the models are evaluated out of sample.
    private func printModels(_ connection: PostgresConnection, schema: String, asOf: PostgresDate) throws {
        let fits = try connection.execute("""
            select model, status, reason, time_unit, customers, parameters::text as parameters,
                   standard_errors::text as standard_errors, log_likelihood
            from \(identifier: schema).model_fits where as_of = \(asOf) order by component
            """)
        guard !fits.rows.isEmpty else {
            print("\n  customer-base models: off (models.enabled: false in the pipeline file)")
            return
        }
        print("\n  customer-base models (model_fits, fitted on this snapshot; docs/models.md):")
        for row in fits.rows {
            let model = row["model"].string ?? "?"
            let unit = row["time_unit"].string.map { ", alpha in \($0)" } ?? ""
            guard row["status"].string == "converged" else {
                print("    \(model): \(row["status"].string ?? "?") - \(row["reason"].string ?? "no reason"); its predictions are null")
                continue
            }
            let loglik = row["log_likelihood"].double.map { String(format: "%.1f", $0) } ?? "-"
            print("    \(model) (\(row["customers"].int ?? 0) customers\(unit), log-likelihood \(loglik))")
            print("      parameters      \(row["parameters"].string ?? "-")")
            print("      standard errors \(row["standard_errors"].string ?? "-")")
        }
        let top = try connection.execute("""
            select coalesce(d.name, m.segment_key) as name, m.segmentation_key, count(*) as members,
                   avg(f.predicted_clv_365d) as mean_clv, avg(f.p_alive) as mean_alive
            from \(identifier: schema).customer_segments m
            join \(identifier: schema).customer_features f on f.as_of = m.as_of and f.customer_id = m.customer_id
            left join \(identifier: schema).segment_definitions d
              on d.as_of = m.as_of and d.segmentation_key = m.segmentation_key and d.segment_key = m.segment_key
            where m.as_of = \(asOf) and f.predicted_clv_365d is not null
            group by 1, 2 having count(*) >= 50
            order by mean_clv desc limit 3
            """)
        if !top.rows.isEmpty {
            print("\n  top segments by mean predicted_clv_365d (expected margin of the next 12 months, discounted):")
            print("    segment                                     segmentation            members  mean CLV  mean p_alive")
            for row in top.rows {
                let name = (row["name"].string ?? "").padding(toLength: 43, withPad: " ", startingAt: 0)
                let segmentation = (row["segmentation_key"].string ?? "").padding(toLength: 20, withPad: " ", startingAt: 0)
                let clv = row["mean_clv"].double.map { String(format: "%9.2f", $0) } ?? "        -"
                let alive = row["mean_alive"].double.map { String(format: "%12.2f", $0) } ?? "           -"
                print("    \(name) \(segmentation) \(String(row["members"].int ?? 0).leftPadded(9)) \(clv) \(alive)")
            }
        }
        print("""

              How good are the predictions? Fit on an earlier snapshot and compare with what happened since:
                segflow evaluate -d <conninfo> --calibration-end <day> --holdout-end <later day>
              (docs/models.md; the demo's cluster is removed at exit, so run it against your own database)
            """)
    }

    /// The primary segments' revenue share and top KPIs, as a dashboard would read them.
    private func printKPIs(_ connection: PostgresConnection, schema: String, primary: String?) throws {
        guard let primary else { return }
        let rows = try connection.execute("""
            select k.segment_key, k.members, k.share, k.revenue_30d::float8 as revenue, k.aov_30d::float8 as aov,
                   k.conversion_rate_30d as conversion_rate, k.repeat_purchase_rate,
                   (k.revenue_30d / nullif(sum(k.revenue_30d) over (), 0))::float8 as revenue_share
            from \(identifier: schema).current_segment_kpis k
            where k.segmentation_key = \(primary)
            order by k.revenue_30d desc nulls last
            """)
        print("\n  segment KPIs (trailing 30 days):")
        print("    segment                  members   share  revenue share       AOV  conversion  repeat rate")
        for row in rows.rows {
            func percent(_ name: String) -> String { row[name].double.map { String(format: "%6.1f%%", $0 * 100) } ?? "      -" }
            func money(_ name: String) -> String { row[name].double.map { String(format: "%9.2f", $0) } ?? "        -" }
            let key = (row["segment_key"].string ?? "").padding(toLength: 22, withPad: " ", startingAt: 0)
            print("    \(key) \(String(row["members"].int ?? 0).leftPadded(9)) \(percent("share"))        \(percent("revenue_share")) \(money("aov"))     \(percent("conversion_rate"))      \(percent("repeat_purchase_rate"))")
        }
    }
}
