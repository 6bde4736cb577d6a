import ArgumentParser
import Foundation
import LocalPostgres
import PostgresClient
import Segflow

/// `segflow export` of one segment with N members: wall time and peak RSS of the executable,
/// beside psql `\copy` of the same query to a file (the server's share). Per size: one
/// database with two published snapshots built in SQL (the segment holds every customer on the
/// latest, 90 % of them on the previous one, plus 10 % others, so --changes has 20 % of N),
/// features and a customers source with e-mails. A flat peak RSS across sizes is the point:
/// the members are streamed, never held.
struct ExportBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "segflow export of a segment with N members: time and peak RSS vs psql \\copy of the same query."
    )

    @Option(help: "Member counts, comma-separated; k and M suffixes allowed (100k, 1M).") var members = "100k,1M"
    @Option(help: "The segflow executable (default: next to segflow-bench).") var segflow: String?

    func validate() throws {
        guard (try? PipelineBenchmark.parseSizes(members)) != nil else { throw ValidationError("--members: a list like 100k,1M") }
    }

    func run() throws {
        let sizes = try PipelineBenchmark.parseSizes(members)
        guard let latestDay = PostgresDate(iso: Self.latest) else { throw BenchFailure(description: "bad date \(Self.latest)") }
        let segflowPath = try BenchSupport.locateSegflow(segflow)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("segflow-bench-export-\(getpid())").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let cluster = try LocalPostgresCluster.start(logger: BenchSupport.logger)
        defer { cluster.stop() }

        var lines = ["| members | export | rows | seconds | peak RSS | file | psql \\copy of the same rows as CSV (s) |", "|---:|---|---:|---:|---:|---:|---:|"]
        for size in sizes {
            let database = "bench_export_\(size)"
            try? cluster.dropDatabase(database)
            try cluster.createDatabase(database)
            defer { try? cluster.dropDatabase(database) }
            let conninfo = cluster.connectionString(database: database)
            let connection = try PostgresConnection(PostgresConfiguration(connectionString: conninfo), logger: BenchSupport.logger)
            defer { connection.close() }
            progress("\(size) members: building two snapshots")
            try connection.simpleQuery("set client_min_messages = warning")
            _ = try SchemaMigrator(connection: connection, schema: "segflow", logger: BenchSupport.logger).migrate()
            try Self.fill(connection, members: size)

            let cases: [(name: String, arguments: [String], changes: Bool, format: ExportFormat)] = [
                ("csv, email,country,monetary", ["--format", "csv"], false, .csv),
                ("jsonl, email,country,monetary", ["--format", "jsonl"], false, .jsonl),
                ("--changes csv", ["--format", "csv", "--changes"], true, .csv),
            ]
            for item in cases {
                let file = "\(scratch)/export.out"
                let outcome = try ChildProcess.run(
                    [segflowPath, "export", "-d", conninfo, "--segment", "bench:all", "--columns", "email,country,monetary",
                     "--out", file, "--log-level", "warning"] + item.arguments,
                    standardError: "\(scratch)/export.err")
                guard outcome.succeeded else {
                    let errors = (try? String(contentsOfFile: "\(scratch)/export.err", encoding: .utf8)) ?? ""
                    throw BenchFailure(description: "segflow export failed: \(errors)")
                }
                let bytes = (try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
                let rows = try Self.lineCount(file) - (item.format == .csv ? 1 : 0)
                let query = SegmentExportQuery(
                    schema: "segflow", segment: ExportSegment(segmentationKey: "bench", segmentKey: "all"),
                    asOf: latestDay, changes: item.changes, columns: [.email, .feature(.country), .feature(.monetary)],
                    format: item.format, customersSource: .defaultTable(for: .customers))
                let psql = try BenchSupport.seconds {
                    try BenchSupport.psql(cluster, database: database, "\\copy (\(query.select)) to '\(scratch)/psql.out' with (format csv, header true)")
                }
                lines.append("| \(size) | \(item.name) | \(rows) | \(BenchSupport.format(outcome.seconds)) | "
                    + "\(BenchSupport.format(Double(outcome.maxRSSBytes) / 1_048_576, 1)) MiB | "
                    + "\(BenchSupport.format(Double(bytes) / 1_048_576, 1)) MiB | \(BenchSupport.format(psql)) |")
            }
        }
        print("""
            ### segflow export (one segment; two snapshots built in SQL; load \(loadAverage()))

            \(lines.joined(separator: "\n"))

            """)
    }

    static let previous = "2026-05-31", latest = "2026-06-30"

    /// Two snapshots: segment bench:all = customers 1…n on the latest; 1…0.9n and n+1…n+0.1n on
    /// the previous. Features (country, monetary) on both; a customers source with e-mails.
    static func fill(_ connection: PostgresConnection, members n: Int) throws {
        let kept = n * 9 / 10, gone = n / 10
        var sql = """
            create schema if not exists shop;
            create table shop.customers (customer_id int8, email text, created_at timestamptz, updated_at timestamptz);
            insert into shop.customers select g, 'customer' || g || '@example.com', '2024-01-01', '2024-01-01' from generate_series(1, \(n + gone)) g;
            analyze shop.customers;
            set search_path = segflow;
            """
        for (index, day) in [previous, latest].enumerated() {
            let members = index == 0 ? "select g from generate_series(1, \(kept)) g union all select g from generate_series(\(n + 1), \(n + gone)) g"
                : "select g from generate_series(1, \(n)) g"
            let customers = index == 0 ? kept + gone : n
            sql += """
                create table segflow_partitions.bench_features_\(index) partition of customer_features for values in ('\(day)');
                create table segflow_partitions.bench_segments_\(index) partition of customer_segments for values in ('\(day)');
                insert into snapshots (as_of, run_id, config_hash, previous_as_of, customers, memberships, quarantined)
                values ('\(day)', gen_random_uuid(), 'bench', \(index == 0 ? "null" : "'\(previous)'"), \(customers), \(customers), 0);
                insert into segment_definitions (as_of, segmentation_key, segment_key, name, is_primary, position)
                values ('\(day)', 'bench', 'all', 'All', true, 0);
                insert into customer_features (as_of, customer_id, country, monetary)
                select '\(day)', g, (array['DE','FR','GB','SE','PL'])[1 + g % 5], (g % 50000) / 100.0 from (\(members)) m (g);
                insert into customer_segments (as_of, customer_id, segmentation_key, segment_key, is_primary)
                select '\(day)', g, 'bench', 'all', true from (\(members)) m (g) order by g;

                """
        }
        sql += "analyze customer_features; analyze customer_segments;"
        try connection.simpleQuery(sql)
    }

    static func lineCount(_ path: String) throws -> Int {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw BenchFailure(description: "cannot read \(path)") }
        defer { try? handle.close() }
        var lines = 0
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            lines += chunk.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        }
        return lines
    }
}
