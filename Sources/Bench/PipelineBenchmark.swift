import ArgumentParser
import Foundation
import LocalPostgres
import PostgresClient
import Segflow
import SegflowGenerator
import SegflowSQL

/// `segflow run` end to end against (a) psql merely binary-COPYing the same inputs and
/// (b) the plain-SQL reference (`sql/reference/`) building the same features, at several
/// sizes of generated data, in one throwaway cluster, rounds alternating.
///
/// Per size: generate (timed), migrate, count the inputs, one untimed COPY pass to warm the
/// cache, then `--rounds` rounds of every side, the order reversed every other round:
/// - psql `\copy (select <the engine's columns> … where <event time> < T or is null) to
///   '/dev/null' (format binary)` for the seven sources, one after another;
/// - the same seven in the engine's three phases, three psql at once in phases 1 and 3
///   (the baseline of the ≤ 2× target);
/// - the nine statements the engine really issues (adds the session-key pass over sessions
///   and the ids of later orders to phase 2), in its phases;
/// - `segflow run` (the release binary, a child process reaped with wait4 for its peak RSS)
///   once per `--workers` value;
/// - the reference SQL files on one connection, as docs/reference-sql.md shows.
struct PipelineBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline",
        abstract: "segflow run end to end vs binary COPY of its inputs and vs the reference SQL, at several sizes."
    )

    @Option(help: "Customer counts to generate and run, comma-separated; k and M suffixes allowed (20000, 100k, 1M).")
    var customers = "100k,300k,1M"

    @Option(help: "Alternating rounds of every side per size.")
    var rounds = 2

    @Option(help: "Rounds of the reference SQL, the slowest side (default: --rounds).")
    var referenceRounds: Int?

    @Option(help: "segflow run --workers values to compare, comma-separated; the first is the headline.")
    var workers = "2,1"

    @Option(help: "Generator seed.") var seed: UInt64 = 42
    @Option(help: "Generator dirty rate (share of defective rows).") var dirty = 0.01
    @Option(help: "The as-of day (default: the generator's last day).") var asOf = GeneratorConfiguration.defaultEndDay.description
    @Option(help: "The pipeline file both sides follow.") var pipeline = "pipelines/default.yml"
    @Option(help: "The segflow executable (default: next to segflow-bench).") var segflow: String?

    func validate() throws {
        guard (try? Self.parseSizes(customers)) != nil else { throw ValidationError("--customers: a list like 100k,300k,1M") }
        guard rounds >= 1 else { throw ValidationError("--rounds must be at least 1") }
        guard (referenceRounds ?? 1) >= 0 else { throw ValidationError("--reference-rounds cannot be negative") }
        guard let list = Self.parseWorkers(workers), !list.isEmpty else { throw ValidationError("--workers: a list like 2,1") }
        guard PostgresDate(iso: asOf) != nil else { throw ValidationError("--as-of must be a day like 2026-06-30") }
    }

    static func parseSizes(_ text: String) throws -> [Int] {
        try text.split(separator: ",").map { raw in
            let item = raw.trimmingCharacters(in: .whitespaces).lowercased()
            let (digits, factor): (Substring, Double) = item.hasSuffix("m") ? (item.dropLast(), 1e6) : item.hasSuffix("k") ? (item.dropLast(), 1e3) : (Substring(item), 1)
            guard let value = Double(digits), value * factor >= 100 else { throw BenchFailure(description: "bad size \(item)") }
            return Int((value * factor).rounded())
        }
    }

    static func parseWorkers(_ text: String) -> [Int]? {
        let values = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard values.allSatisfy({ ($0 ?? 0) >= 1 }) else { return nil }
        return values.compactMap { $0 }
    }

    func run() throws {
        let sizes = try Self.parseSizes(customers)
        let workerCounts = Self.parseWorkers(workers) ?? [2, 1]
        guard let day = PostgresDate(iso: asOf) else { throw ExitCode(2) }
        let pipelineConfiguration = try PipelineConfiguration.load(path: pipeline)
        let segflowPath = try BenchSupport.locateSegflow(segflow)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("segflow-bench-\(getpid())").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }

        let cluster = try LocalPostgresCluster.start(logger: BenchSupport.logger)
        defer { cluster.stop() }
        var results: [PipelineSizeResult] = []
        for size in sizes {
            let measurement = SizeMeasurement(
                customers: size, day: day, seed: seed, dirty: dirty, rounds: rounds, referenceRounds: referenceRounds ?? rounds,
                workers: workerCounts, pipelinePath: pipeline, pipeline: pipelineConfiguration, segflowPath: segflowPath,
                cluster: cluster, scratch: scratch
            )
            results.append(try measurement.run())
        }
        print(PipelineReport(
            results: results, rounds: rounds, referenceRounds: referenceRounds ?? rounds, workers: workerCounts,
            seed: seed, dirty: dirty, asOf: asOf, pipeline: pipeline
        ).markdown)
    }
}

/// Progress on standard error; the markdown goes to standard output.
func progress(_ message: String) {
    let stamp = String(format: "%8.1f", Double(DispatchTime.now().uptimeNanoseconds) / 1e9)
    FileHandle.standardError.write(Data("[\(stamp)] pipeline bench: \(message) (load \(loadAverage()))\n".utf8))
}

/// One `segflow run` child.
struct SegflowRun {
    var workers: Int
    var seconds: Double
    var maxRSSBytes: Int
    var cpuSeconds: Double
    /// CPU seconds of the cluster's processes meanwhile.
    var serverCPU = 0.0
    /// From the run ledger: extract_clean_join, features, models, segment, load.
    var stages: [String: Double]
    /// The engine's extract phases (1, 2, 3) from its `extracted` log lines.
    var phases: [Double]
    /// Seconds per extract task (COPY plus the clean/join handler), by the engine's label.
    var sources: [String: Double]
    /// Seconds per publish step (customer_features, customer_segments, kpis, swap, …).
    var publishSteps: [String: Double]
}

/// One pass of psql COPY statements, phase by phase.
struct CopyPass {
    var seconds: Double
    var phases: [Double]
    /// Seconds from the start of each statement's psql to its exit, by the engine's label.
    var statements: [String: Double]
    /// CPU seconds of the psql processes, and of the cluster's processes meanwhile.
    var clientCPU = 0.0
    var serverCPU = 0.0
}

/// Everything measured at one size.
struct PipelineSizeResult {
    var customers: Int
    var generation: GenerationReport
    var inputRows: [(source: SourceName, rows: Int)]
    var inputBytes: Int
    var copySequential: [CopyPass] = []
    var copyPhased: [CopyPass] = []
    var copyEngine: [CopyPass] = []
    var segflow: [SegflowRun] = []
    var reference: [Double] = []
    var referenceServerCPU: [Double] = []
    var referenceFiles: [String: [Double]] = [:]
    var engineCustomers = 0
    var referenceCustomers = 0
    var loadAverages: [String] = []

    var totalInputRows: Int { inputRows.reduce(0) { $0 + $1.rows } }
    func segflowRuns(workers: Int) -> [SegflowRun] { segflow.filter { $0.workers == workers } }
}

/// The sides that alternate within a round.
private enum Side {
    case copySequential, copyPhased, copyEngine, segflow(Int), reference
}

private struct SizeMeasurement {
    let customers: Int
    let day: PostgresDate
    let seed: UInt64
    let dirty: Double
    let rounds: Int
    let referenceRounds: Int
    let workers: [Int]
    let pipelinePath: String
    let pipeline: PipelineConfiguration
    let segflowPath: String
    let cluster: LocalPostgresCluster
    let scratch: String

    var database: String { "bench_\(customers)" }
    var conninfo: String { cluster.connectionString(database: database) }
    var psqlPath: String { URL(fileURLWithPath: cluster.binDirectory).appendingPathComponent("psql").path }

    func run() throws -> PipelineSizeResult {
        try? cluster.dropDatabase(database)
        try cluster.createDatabase(database)
        defer { try? cluster.dropDatabase(database) }
        let configuration = PostgresConfiguration(connectionString: conninfo)
        var loads = [loadAverage()]

        progress("\(customers) customers: generating")
        let generation = try DataGenerator(
            configuration: GeneratorConfiguration(customers: customers, seed: seed, dirtyRate: dirty, endDay: day),
            logger: BenchSupport.logger
        ).run(database: configuration)
        progress("\(customers) customers: generated \(generation.totalRows) rows in \(BenchSupport.format(generation.totalSeconds, 1)) s")

        let connection = try PostgresConnection(configuration, logger: BenchSupport.logger)
        defer { connection.close() }
        try connection.simpleQuery("set client_min_messages = warning")
        _ = try SchemaMigrator(connection: connection, schema: pipeline.output.schema, logger: BenchSupport.logger).migrate()
        // T: the first instant of D + 1 in the pipeline's zone, as the engine and the reference compute it.
        guard let cutoff = try connection.execute(
            "select ((\(day.description)::date + 1)::timestamp at time zone \(pipeline.timeZone.name))::text as t"
        )[0]["t"].string else { throw BenchFailure(description: "no cut-off") }

        let statements = CopyStatements(pipeline: pipeline, cutoff: cutoff)
        var inputRows: [(SourceName, Int)] = []
        for source in CopyStatements.order {
            let rows = try connection.execute(PostgresQuery(unsafeSQL: "select count(*) from (\(statements.select(source))) s"))[0][0].int ?? 0
            inputRows.append((source, rows))
        }
        let bytes = try connection.execute("""
            select sum(pg_table_size(c.oid))::int8 as bytes from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = 'shop' and c.relkind = 'r'
            """)[0]["bytes"].int ?? 0
        var result = PipelineSizeResult(customers: customers, generation: generation, inputRows: inputRows, inputBytes: bytes)

        // Warm the page cache the way every side finds it afterwards.
        _ = try copyPass(statements.sequential)

        for round in 0..<rounds {
            var sides: [Side] = [.copySequential, .copyPhased, .copyEngine] + workers.map { .segflow($0) }
            if round < referenceRounds { sides.append(.reference) }
            if round % 2 == 1 { sides.reverse() }
            for side in sides {
                let cpuBefore = serverCPU()
                switch side {
                case .copySequential:
                    var pass = try copyPass(statements.sequential)
                    pass.serverCPU = serverCPU() - cpuBefore
                    result.copySequential.append(pass)
                case .copyPhased:
                    var pass = try copyPass(statements.enginePhasesOfInputs)
                    pass.serverCPU = serverCPU() - cpuBefore
                    result.copyPhased.append(pass)
                case .copyEngine:
                    var pass = try copyPass(statements.engineStatements)
                    pass.serverCPU = serverCPU() - cpuBefore
                    result.copyEngine.append(pass)
                case .segflow(let count):
                    progress("\(customers) customers: round \(round + 1): segflow run --workers \(count)")
                    var run = try runSegflow(workers: count, connection: connection)
                    run.serverCPU = serverCPU() - cpuBefore
                    let stages = run.stages.sorted { $0.key < $1.key }.map { "\($0.key) \(BenchSupport.format($0.value))" }.joined(separator: ", ")
                    progress("\(customers) customers:   \(BenchSupport.format(run.seconds)) s (\(stages); extract phases \(run.phases.map { BenchSupport.format($0) })), peak RSS \(run.maxRSSBytes >> 20) MiB, CPU \(BenchSupport.format(run.cpuSeconds)) s + server \(BenchSupport.format(run.serverCPU)) s")
                    result.segflow.append(run)
                case .reference:
                    progress("\(customers) customers: round \(round + 1): reference SQL")
                    let (seconds, files) = try runReference()
                    let cpu = serverCPU() - cpuBefore
                    progress("\(customers) customers:   \(BenchSupport.format(seconds)) s, server CPU \(BenchSupport.format(cpu)) s")
                    result.reference.append(seconds)
                    result.referenceServerCPU.append(cpu)
                    for (file, time) in files { result.referenceFiles[file, default: []].append(time) }
                }
            }
            if let sequential = result.copySequential.last, let phased = result.copyPhased.last {
                progress("\(customers) customers: round \(round + 1): COPY \(BenchSupport.format(sequential.seconds)) s sequential, \(BenchSupport.format(phased.seconds)) s phased (CPU psql \(BenchSupport.format(phased.clientCPU)) s + server \(BenchSupport.format(phased.serverCPU)) s)")
            }
            loads.append(loadAverage())
        }

        let engineCustomers = try connection.execute(
            "select count(*) from \(identifier: pipeline.output.schema).customer_features where as_of = \(day.description)::date"
        )[0][0].int ?? 0
        result.engineCustomers = engineCustomers
        if !result.reference.isEmpty {
            result.referenceCustomers = try connection.execute("select count(*) from segflow_reference.customer_features")[0][0].int ?? 0
            try connection.simpleQuery("drop schema segflow_reference cascade")
        }
        result.loadAverages = loads
        return result
    }

    /// Runs each phase's statements at once (one psql each) and the phases one after another.
    /// The cluster's CPU so far, once its backends of the last side have gone.
    func serverCPU() -> Double {
        usleep(100_000)
        return cluster.serverProcessID.map(clusterCPUSeconds(postmaster:)) ?? .nan
    }

    func copyPass(_ phases: [[(label: String, sql: String)]]) throws -> CopyPass {
        var times: [Double] = []
        var statements: [String: Double] = [:]
        var clientCPU = 0.0
        let start = DispatchTime.now().uptimeNanoseconds
        for phase in phases {
            let phaseStart = DispatchTime.now().uptimeNanoseconds
            var running = try phase.enumerated().map { index, statement in
                (statement.label, try ChildProcess.start(
                    [psqlPath, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", conninfo,
                     "-c", "\\copy (\(statement.sql)) to '/dev/null' with (format binary)"],
                    standardError: "\(scratch)/psql-\(customers)-\(index).err"
                ))
            }
            // Reap whichever ends first, so each statement's own time is known.
            while !running.isEmpty {
                var index = 0
                while index < running.count {
                    if let outcome = try running[index].1.poll() {
                        guard outcome.succeeded else {
                            throw BenchFailure(description: "psql \\copy failed (exit \(outcome.exitCode)): \(running[index].1.arguments.last ?? "")")
                        }
                        statements[running[index].0] = outcome.seconds
                        clientCPU += outcome.userSeconds + outcome.systemSeconds
                        running.remove(at: index)
                    } else {
                        index += 1
                    }
                }
                if !running.isEmpty { usleep(2_000) }
            }
            times.append(Double(DispatchTime.now().uptimeNanoseconds - phaseStart) / 1e9)
        }
        return CopyPass(seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, phases: times, statements: statements, clientCPU: clientCPU)
    }

    func runSegflow(workers: Int, connection: PostgresConnection) throws -> SegflowRun {
        let stdout = "\(scratch)/segflow-\(customers).out", stderr = "\(scratch)/segflow-\(customers).err"
        let outcome = try ChildProcess.run(
            [segflowPath, "run", "-d", conninfo, "--as-of", day.description, "--pipeline", pipelinePath,
             "--workers", String(workers), "--log-format", "json", "--log-level", "debug"],
            standardOutput: stdout, standardError: stderr
        )
        // Stage seconds from the run ledger; extract phases from the engine's log lines.
        var stages: [String: Double] = [:]
        if let text = try connection.execute(
            "select stage_timings::text from \(identifier: pipeline.output.schema).runs where status = 'succeeded' order by started_at desc limit 1"
        )[0][0].string, let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] {
            for (key, value) in object { stages[key] = (value as? NSNumber)?.doubleValue }
        }
        var phases: [Double] = []
        var sources: [String: Double] = [:], steps: [String: Double] = [:]
        let log = (try? String(contentsOfFile: stderr, encoding: .utf8)) ?? ""
        for line in log.split(separator: "\n") where line.contains("\"extracted\"") || line.contains("\"publish step done\"") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { continue }
            let seconds = (object["seconds"] as? String).flatMap(Double.init) ?? (object["seconds"] as? NSNumber)?.doubleValue ?? .nan
            switch (object["msg"] as? String, object["phase"], object["source"] as? String, object["step"] as? String) {
            case ("extracted", .some, _, _): phases.append(seconds)
            case ("extracted", nil, let source?, _): sources[source] = seconds
            case ("publish step done", _, _, let step?): steps[step] = seconds
            default: break
            }
        }
        return SegflowRun(
            workers: workers, seconds: outcome.seconds, maxRSSBytes: outcome.maxRSSBytes,
            cpuSeconds: outcome.userSeconds + outcome.systemSeconds, stages: stages, phases: phases,
            sources: sources, publishSteps: steps
        )
    }

    /// The generated `shop` (sql/source/) has uuid visitor ids; the reference as merged on main
    /// (79ab257) trims them as text and fails (`btrim(uuid) does not exist`). Its own fix
    /// (branch reference, 1d910ac: `btrim(x.visitor_id::text)`) is applied here in memory until
    /// main has it; a no-op afterwards.
    static func compatible(_ sql: String) -> String {
        sql.replacingOccurrences(of: "btrim(s.visitor_id)", with: "btrim(s.visitor_id::text)")
            .replacingOccurrences(of: "btrim(c.visitor_id)", with: "btrim(c.visitor_id::text)")
    }

    /// The reference files in name order on one connection, parameters from the pipeline file.
    func runReference() throws -> (Double, [(String, Double)]) {
        let files = try SegflowSQL.files(in: "reference")
        let texts = try files.map { ($0.deletingPathExtension().lastPathComponent, Self.compatible(try String(contentsOf: $0, encoding: .utf8))) }
        let cleaning = pipeline.cleaning
        let settings: [(String, String)] = [
            ("segflow.as_of", day.description), ("segflow.timezone", pipeline.timeZone.name),
            ("segflow.base_currency", pipeline.baseCurrency),
            ("segflow.max_order_total", String(format: "%.2f", cleaning.maxOrderTotal)),
            ("segflow.valid_statuses", cleaning.validStatuses.joined(separator: ",")),
            ("segflow.test_emails", cleaning.testAccounts.emails.joined(separator: ",")),
            ("segflow.test_email_domains", cleaning.testAccounts.emailDomains.joined(separator: ",")),
            ("segflow.test_customer_ids", cleaning.testAccounts.customerIDs.map(String.init).joined(separator: ",")),
        ]
        var perFile: [(String, Double)] = []
        let total = try BenchSupport.seconds {
            let connection = try PostgresConnection(PostgresConfiguration(connectionString: conninfo), logger: BenchSupport.logger)
            defer { connection.close() }
            try connection.simpleQuery("set client_min_messages = warning")
            for (name, value) in settings {
                try connection.execute("select set_config(\(name), \(value), false)")
            }
            for (name, text) in texts {
                perFile.append((name, try BenchSupport.seconds { try connection.simpleQuery(text) }))
            }
        }
        return (total, perFile)
    }
}

/// The SELECTs the engine's extract stage wraps in COPY, with the cut-off as a literal.
struct CopyStatements {
    let pipeline: PipelineConfiguration
    let cutoff: String

    static let order: [SourceName] = [.products, .fxRates, .customers, .orders, .orderItems, .sessions, .chats]
    /// The engine's phases (SnapshotEngine.run) restricted to the seven inputs.
    static let phases: [[SourceName]] = [[.products, .fxRates, .customers], [.orders], [.orderItems, .sessions, .chats]]

    private func from(_ source: SourceName) -> String {
        switch pipeline.sources[source] ?? .defaultTable(for: source) {
        case .table(let name): PostgresQuery.quoteQualifiedName(name)
        case .query(let sql): "(\(sql)) as source"
        }
    }

    private var cut: String { "'\(cutoff)'::timestamptz" }

    /// Same columns, casts and cut-off as `SourceMapping.copyStatement(for:)`.
    func select(_ source: SourceName) -> String {
        let columns = zip(source.columns, source.columnTypes).map { "\(PostgresQuery.quoteIdentifier($0))::\($1)" }.joined(separator: ", ")
        var sql = "select \(columns) from \(from(source))"
        if let time = source.eventTimeColumn.map(PostgresQuery.quoteIdentifier) {
            sql += " where \(time) < \(cut) or \(time) is null"
        }
        return sql
    }

    private func statement(_ source: SourceName) -> (label: String, sql: String) { (source.rawValue, select(source)) }

    var sequential: [[(label: String, sql: String)]] { Self.order.map { [statement($0)] } }
    var enginePhasesOfInputs: [[(label: String, sql: String)]] { Self.phases.map { $0.map(statement) } }

    /// Also the session-id pass (duplicates) and the ids of orders after T, as SnapshotEngine phase 2 reads them.
    var engineStatements: [[(label: String, sql: String)]] {
        var phases = enginePhasesOfInputs
        phases[1].append(("session_keys", "select session_id::int8 from \(from(.sessions)) where started_at < \(cut)"))
        phases[1].append(("orders_after_cutoff", "select order_id::int8 from \(from(.orders)) where placed_at >= \(cut)"))
        return phases
    }
}
