import Foundation
import LocalPostgres
import Logging
import PostgresClient
import Segflow
import SegflowGenerator

/// A generated store with the output schema migrated, for run and backfill tests.
public struct RunTestStore: Sendable {
    /// libpq connection string of the store.
    public let connectionString: String

    /// A handle on an existing store.
    public init(connectionString: String) {
        self.connectionString = connectionString
    }
    /// The store as a `PostgresConfiguration`.
    public var configuration: PostgresConfiguration { PostgresConfiguration(connectionString: connectionString) }

    /// Generates `customers` into a new database of `cluster` (default: the shared test cluster).
    public static func make(_ prefix: String, customers: Int = 400, seed: UInt64 = 11, dirtyRate: Double = 0,
                     cluster: LocalPostgresCluster? = nil) throws -> RunTestStore {
        let connectionString: String
        if let cluster {
            let name = "\(prefix)_\(UInt32.random(in: 0...UInt32.max))"
            try cluster.createDatabase(name)
            connectionString = cluster.connectionString(database: name)
        } else {
            connectionString = try TestPostgres.makeDatabase(prefix: prefix).connectionString
        }
        let store = RunTestStore(connectionString: connectionString)
        let generation = GeneratorConfiguration(customers: customers, seed: seed, dirtyRate: dirtyRate, workers: 2,
                                                createIndexes: false, progressInterval: 3_600)
        _ = try DataGenerator(configuration: generation, logger: quietLogger).run(database: store.configuration)
        let connection = try store.connect()
        defer { connection.close() }
        _ = try SchemaMigrator(connection: connection, schema: "segflow", logger: quietLogger).migrate()
        return store
    }

    /// The logger of run tests (``testLogger(_:)``).
    public static var quietLogger: Logger { testLogger("segflow.test.run") }

    /// The default pipeline with `gates` instead of its own (none by default: small stores).
    public static func pipeline(gates: [SourceName: QualityGate] = [:]) throws -> PipelineConfiguration {
        var pipeline = try PipelineConfiguration.load(path: RepositoryFiles.path("pipelines/default.yml"))
        pipeline.qualityGates = gates
        return pipeline
    }

    /// The default pipeline file without its quality_gates section, written to a temporary file.
    public static func pipelineFileWithoutGates() throws -> String {
        let text = try String(contentsOfFile: RepositoryFiles.path("pipelines/default.yml"), encoding: .utf8)
        var lines: [Substring] = []
        var skipping = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("quality_gates:") { skipping = true; continue }
            if skipping, !line.hasPrefix(" ") { skipping = false }
            if !skipping { lines.append(line) }
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("segflow-nogates-\(UUID().uuidString).yml").path
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The default pipeline with one gate no test store passes (customers min_rows 100000000):
    /// a run of it fails the gate (exit 65). The caller removes the file.
    public static func pipelineFileFailingAGate() throws -> String {
        let file = try pipelineFileWithoutGates()
        let text = try String(contentsOfFile: file, encoding: .utf8)
            .replacingOccurrences(of: "\noutput:", with: "\nquality_gates:\n  customers: { min_rows: 100000000 }\n\noutput:")
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    /// A pipeline file YAML cannot read (an unclosed `[`), in a temporary file the caller removes.
    public static func unreadablePipelineFile() throws -> URL {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("segflow-broken-\(UUID().uuidString).yml")
        try "name: x\nsources: [\n".write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    /// A runner over the store: 2 workers, no lock wait, no retries unless asked.
    public func runner(_ pipeline: PipelineConfiguration, lockTimeout: Double? = 0, retryFor: Double = 0,
                logger: Logger = RunTestStore.quietLogger) -> PipelineRunner {
        PipelineRunner(database: configuration, pipeline: pipeline,
                       options: .init(workers: 2, lockTimeout: lockTimeout, retryFor: retryFor), logger: logger)
    }

    /// A new connection to the store.
    public func connect() throws -> PostgresConnection {
        try PostgresConnection(configuration, logger: Self.quietLogger)
    }

    /// Every row of `sql` as text cells.
    public func rows(_ sql: String) throws -> [[String?]] {
        let connection = try connect()
        defer { connection.close() }
        let result = try connection.execute(PostgresQuery(unsafeSQL: sql))
        return result.rows.map { row in (0..<result.columnCount).map { row[$0].text } }
    }

    /// The first cell of `sql` as an integer (-1 if not one).
    public func count(_ sql: String) throws -> Int {
        Int(try rows(sql).first?.first.flatMap { $0 } ?? "") ?? -1
    }

    /// What a reader sees of the published output, without run ids and fit seconds (which differ
    /// between runs).
    /// One (table, md5) row per output table, in table-name order: `union all` alone promises
    /// no order (a parallel append under load returned the tables in another order).
    public func publishedFingerprint() throws -> [[String?]] {
        try rows("""
            select 'snapshots', md5(coalesce(string_agg(concat_ws('|', as_of, config_hash, previous_as_of, customers, memberships, quarantined), E'\\n' order by as_of), '')) from segflow.snapshots
            union all
            select 'customer_features', md5(coalesce(string_agg(f::text, E'\\n' order by f.as_of, f.customer_id), '')) from segflow.customer_features f
            union all
            select 'customer_segments', md5(coalesce(string_agg(m::text, E'\\n' order by m::text), '')) from segflow.customer_segments m
            union all
            select 'segment_definitions', md5(coalesce(string_agg(d::text, E'\\n' order by d::text), '')) from segflow.segment_definitions d
            union all
            select 'segment_kpis', md5(coalesce(string_agg(k::text, E'\\n' order by k::text), '')) from segflow.segment_kpis k
            union all
            select 'kpi_snapshots', md5(coalesce(string_agg(k::text, E'\\n' order by k::text), '')) from segflow.kpi_snapshots k
            union all
            select 'segment_transitions', md5(coalesce(string_agg(t::text, E'\\n' order by t::text), '')) from segflow.segment_transitions t
            union all
            select 'model_fits', md5(coalesce(string_agg(concat_ws('|', as_of, model, component, status, reason, time_unit, parameters,
                   standard_errors, log_likelihood, customers, distinct_rows, iterations, evaluations, penalizer), E'\\n'
                   order by as_of, model), '')) from segflow.model_fits
            union all
            select 'cluster_profiles', md5(coalesce(string_agg(p::text, E'\\n' order by p::text), '')) from segflow.cluster_profiles p
            union all
            select 'quarantine', md5(coalesce(string_agg(concat_ws('|', as_of, source, source_key, reason, action, raw), E'\\n'
                   order by concat_ws('|', as_of, source, source_key, reason, action, raw)), '')) from segflow.quarantine
            order by 1
            """)
    }
}
