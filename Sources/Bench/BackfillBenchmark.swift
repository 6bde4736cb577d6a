import ArgumentParser
import Foundation
import LocalPostgres
import PostgresClient
import Segflow
import SegflowGenerator

/// `segflow backfill` of N monthly snapshots against one `segflow run`, on the same generated
/// store, side by side in one throwaway cluster (target: 12 snapshots ≤ 4× one run at 1M).
///
/// Per size: generate, migrate, one untimed `segflow run` to warm the page cache, then
/// `--rounds` rounds of `segflow run --as-of <last day>` and `segflow backfill --force` over
/// the N month ends up to that day in one batch, the order reversed every other round.
/// Both are the release binary, reaped with wait4 for their peak RSS.
struct BackfillBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backfill",
        abstract: "A monthly segflow backfill of N snapshots vs one segflow run on the same data."
    )

    @Option(help: "Customer counts, comma-separated; k and M suffixes allowed (100k, 1M).") var customers = "100k"
    @Option(help: "Monthly snapshots in the backfill (month ends up to the last day).") var snapshots = 12
    @Option(help: "Alternating rounds of run and backfill per size.") var rounds = 1
    @Option(help: "segflow --workers.") var workers = 2
    @Option(help: "Generator seed.") var seed: UInt64 = 42
    @Option(help: "Generator dirty rate.") var dirty = 0.01
    @Option(help: "The pipeline file.") var pipeline = "pipelines/default.yml"
    @Option(help: "The segflow executable (default: next to segflow-bench).") var segflow: String?

    func validate() throws {
        guard (try? PipelineBenchmark.parseSizes(customers)) != nil else { throw ValidationError("--customers: a list like 100k,1M") }
        guard snapshots >= 1, rounds >= 1, workers >= 1 else { throw ValidationError("--snapshots, --rounds and --workers must be at least 1") }
    }

    func run() throws {
        let sizes = try PipelineBenchmark.parseSizes(customers)
        let segflowPath = try BenchSupport.locateSegflow(segflow)
        let schema = try PipelineConfiguration.load(path: pipeline).output.schema
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("segflow-bench-backfill-\(getpid())").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let cluster = try LocalPostgresCluster.start(logger: BenchSupport.logger)
        defer { cluster.stop() }

        let last = GeneratorConfiguration.defaultEndDay
        // Month ends: `snapshots` of them, the latest being the data's last day (a month end).
        let firstMonth = try BackfillPlan(from: last.adding(days: -31 * snapshots), to: last, every: .day).days
            .filter { $0.adding(days: 1).components.day == 1 }.suffix(snapshots)
        guard let from = firstMonth.first else { throw BenchFailure(description: "no month ends") }

        var lines = ["| customers | segflow run | peak RSS | backfill (\(snapshots) monthly) | peak RSS | backfill / run | per snapshot | load |",
                     "|---:|---:|---:|---:|---:|---:|---:|---|"]
        for size in sizes {
            let database = "bench_backfill_\(size)"
            try? cluster.dropDatabase(database)
            try cluster.createDatabase(database)
            defer { try? cluster.dropDatabase(database) }
            let conninfo = cluster.connectionString(database: database)
            let configuration = PostgresConfiguration(connectionString: conninfo)
            progress("\(size) customers: generating")
            _ = try DataGenerator(configuration: GeneratorConfiguration(customers: size, seed: seed, dirtyRate: dirty, endDay: last),
                                  logger: BenchSupport.logger).run(database: configuration)
            let connection = try PostgresConnection(configuration, logger: BenchSupport.logger)
            defer { connection.close() }
            try connection.simpleQuery("set client_min_messages = warning")
            _ = try SchemaMigrator(connection: connection, schema: schema, logger: BenchSupport.logger).migrate()

            let common = ["-d", conninfo, "--pipeline", pipeline, "--workers", String(workers), "--log-format", "json", "--log-level", "info"]
            let runArguments = [segflowPath, "run", "--as-of", last.description] + common
            let backfillArguments = [segflowPath, "backfill", "--from", from.description, "--to", last.description, "--every", "month",
                                     "--batch", String(snapshots), "--force"] + common
            func child(_ arguments: [String], _ label: String) throws -> ChildProcess.Outcome {
                let outcome = try ChildProcess.run(arguments, standardOutput: "\(scratch)/\(label).out", standardError: "\(scratch)/\(label).err")
                guard outcome.succeeded else {
                    let log = (try? String(contentsOfFile: "\(scratch)/\(label).err", encoding: .utf8)) ?? ""
                    throw BenchFailure(description: "\(label) failed (exit \(outcome.exitCode), signal \(outcome.signal)): \(log.suffix(2_000))")
                }
                progress("\(size) customers: \(label) \(BenchSupport.format(outcome.seconds)) s, peak RSS \(outcome.maxRSSBytes >> 20) MiB")
                return outcome
            }
            progress("\(size) customers: warm-up run")
            _ = try child(runArguments, "warm-up")
            var runs: [ChildProcess.Outcome] = [], backfills: [ChildProcess.Outcome] = []
            var loads: [String] = [loadAverage()]
            for round in 0..<rounds {
                var sides = [true, false]
                if round % 2 == 1 { sides.reverse() }
                for isRun in sides {
                    if isRun { runs.append(try child(runArguments, "run")) } else { backfills.append(try child(backfillArguments, "backfill")) }
                }
                loads.append(loadAverage())
            }
            let published = try connection.execute("select count(*) from \(identifier: schema).snapshots")[0][0].int ?? 0
            guard published >= snapshots else { throw BenchFailure(description: "only \(published) snapshots published") }
            let run = BenchSupport.median(runs.map(\.seconds)), backfill = BenchSupport.median(backfills.map(\.seconds))
            let runRSS = runs.map(\.maxRSSBytes).max() ?? 0, backfillRSS = backfills.map(\.maxRSSBytes).max() ?? 0
            lines.append("| \(size) | \(BenchSupport.format(run, 1)) s | \(runRSS >> 20) MiB | \(BenchSupport.format(backfill, 1)) s | \(backfillRSS >> 20) MiB | \(BenchSupport.format(backfill / run))× | \(BenchSupport.format(backfill / Double(snapshots))) s | \(loads.joined(separator: " → ")) |")
            progress("\(size) customers: backfill / run = \(BenchSupport.format(backfill / run))×")
        }
        print(lines.joined(separator: "\n"))
    }
}
