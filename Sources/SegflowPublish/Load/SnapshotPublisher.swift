import Foundation
import Logging
import PostgresClient
import SegflowEngine
import SegflowSQL

/// Writes one snapshot into the output schema and publishes it atomically.
///
/// Everything happens in one transaction on the given connection, so a reader sees the
/// previous state or the complete new snapshot, and a publish that dies half-way (killed
/// process, dropped connection, error) leaves nothing behind:
///
/// 1. Take the schema lock shared (no migration meanwhile) and the publish lock (one
///    publisher per schema), check the schema version.
/// 2. Stage: COPY features and memberships into new standalone tables shaped like a
///    partition, add their keys and indexes, analyze them. Readers are not blocked: they
///    cannot see these tables.
/// 3. Replace the small per-as_of rows (segment definitions, quarantine, model fits, cluster profiles).
/// 4. Compute KPIs and transitions (`SnapshotComparisons`) from the snapshot in memory
///    and the previous snapshot's memberships; record the snapshot in `snapshots`; if it
///    was published out of order, compute the next snapshot's comparisons again, against
///    this one, from what its partitions hold.
/// 5. Swap, last: drop the as_of's old partitions if it was published before and attach
///    the staged tables in their place. Attaching blocks no reader; dropping an old
///    partition locks its parent until commit, which follows at once, and waits with a
///    short `lock_timeout`, retrying, so it never queues readers for long.
public final class SnapshotPublisher {
    public let connection: PostgresConnection
    public let schema: String
    private let logger: Logger

    /// How long one attempt to lock the tables for the swap waits, in seconds.
    public var swapLockTimeout: Double = 2
    /// How many times the swap is tried before the publish fails.
    public var swapAttempts: Int = 30

    /// The snapshot this publisher committed last, so that the next publish (a backfill's
    /// next as_of) compares with it without reading its memberships back. Used only while
    /// `snapshots` still shows the very publish that produced it (`token`).
    private var lastPublished: (token: String, snapshot: SnapshotComparisons.Previous, keys: [SegmentCatalog.Key])?

    public init(connection: PostgresConnection, schema: String = "segflow", logger: Logger) throws {
        self.connection = connection
        self.schema = schema
        var logger = logger
        logger[metadataKey: "stage"] = "load"
        self.logger = logger
    }

    /// The advisory lock key that serialises publishers of one schema.
    public static func publishLockKey(schema: String) -> Int64 {
        PostgresConnection.advisoryLockKey(for: "segflow.publish:\(schema)")
    }

    /// Publishes `snapshot`, replacing an earlier publish of the same as-of day.
    @discardableResult
    public func publish<Memberships>(_ snapshot: OutputSnapshot<Memberships>) throws -> PublishReport {
        let features = try FeatureRowEncoder(features: snapshot.features, asOf: snapshot.asOf)
        let measures = try SnapshotComparisons.Measures(features: snapshot.features)
        let asOf = snapshot.asOf
        var logger = self.logger
        logger[metadataKey: "as_of"] = .string(asOf.description)
        logger[metadataKey: "run_id"] = .string(snapshot.runID.description)
        var step = Steps(logger: logger)
        let featureTables = StagedTable(schema: schema, table: "customer_features", asOf: asOf)
        let segmentTables = StagedTable(schema: schema, table: "customer_segments", asOf: asOf)

        // Read the memberships once and check them before touching the database.
        var staged: StagedMemberships?
        try step.run("validate") {
            staged = try StagedMemberships(snapshot.memberships, customerIDs: snapshot.features.customerIDs, asOf: asOf)
            staged?.markControl(snapshot.segmentDefinitions)
            return nil
        }
        guard let staged else { throw SnapshotValidationError(asOf: asOf, problem: "memberships were not read") }

        var token = ""
        let outcome = try connection.transaction { () -> (previous: PostgresDate?, replaced: Bool, next: PostgresDate?) in
            try step.run("lock") { try lockAndCheck(); return nil }
            let previous = try publishedAsOf(before: asOf)

            try step.run("customer_features") { try stageFeatures(features, into: featureTables) }
            try step.run("customer_segments") { try stageMemberships(staged, asOf: asOf, into: segmentTables) }
            try step.run("segment_definitions") { try replaceDefinitions(snapshot.segmentDefinitions, asOf: asOf) }
            try step.run("quarantine") { try replaceQuarantine(snapshot.quarantine, asOf: asOf, runID: snapshot.runID) }
            try step.run("model_fits") { try replaceModelFits(snapshot.modelFits, asOf: asOf, runID: snapshot.runID) }
            try step.run("cluster_profiles") { try replaceClusterProfiles(snapshot.clusterProfiles, asOf: asOf) }

            try step.run("kpis") {
                try compareAndWrite(
                    asOf: asOf, previous: previous, customerIDs: snapshot.features.customerIDs, measures: measures,
                    staged: staged, definedSegments: snapshot.segmentDefinitions.map {
                        SegmentCatalog.Key(segmentationKey: $0.segmentationKey, segmentKey: $0.segmentKey)
                    }
                )
            }
            token = try recordSnapshot(snapshot, previous: previous, counts: step.rows)

            // Published out of order: the next snapshot now follows this one, not `previous`
            // (unless the caller republishes that one next, which compares it with this one).
            let next = try publishedAsOf(after: asOf).flatMap { snapshot.upcoming.contains($0) ? nil : $0 }
            if let next {
                try step.run("recompute_next") {
                    try connection.execute("update \(identifier: schema).snapshots set previous_as_of = \(asOf) where as_of = \(next)")
                    // This snapshot's segment indices stay valid in the catalog the next one's are added to.
                    var catalog = staged.catalog
                    let published = try readForComparisons(asOf: next, catalog: &catalog)
                    let comparisons = SnapshotComparisons(
                        customerIDs: published.customerIDs, measures: published.measures, staged: published.memberships,
                        catalog: catalog, definedSegments: published.definedSegments,
                        previous: SnapshotComparisons.Previous(
                            asOf: asOf, customerIDs: snapshot.features.customerIDs, memberships: staged.table
                        )
                    )
                    return try writeComparisons(comparisons, asOf: next, previous: asOf)
                }
            }

            var replaced = false
            try step.run("swap") {
                replaced = try swap([featureTables, segmentTables], asOf: asOf)
                return nil
            }
            return (previous, replaced, next)
        }

        lastPublished = (
            token,
            SnapshotComparisons.Previous(asOf: asOf, customerIDs: snapshot.features.customerIDs, memberships: staged.table),
            staged.catalog.keys
        )
        let total = step.total
        logger.info("published snapshot", metadata: [
            "customers": .stringConvertible(features.count),
            "memberships": .stringConvertible(step.rows["customer_segments"] ?? 0),
            "previous_as_of": .string(outcome.previous?.description ?? "none"),
            "replaced": .stringConvertible(outcome.replaced),
            "seconds": .string(Steps.format(total)),
            "customers_per_second": .stringConvertible(total > 0 ? Int(Double(features.count) / total) : 0),
        ])
        return PublishReport(
            asOf: asOf,
            previousAsOf: outcome.previous,
            replaced: outcome.replaced,
            recomputedAsOf: outcome.next,
            rowCounts: step.rows,
            seconds: step.seconds,
            totalSeconds: total
        )
    }

    // MARK: - Steps

    private func lockAndCheck() throws {
        // Shared schema lock: migrations wait for us and we for them; publishers of one
        // schema go one at a time because each compares with the previous snapshot.
        try connection.execute("""
            select pg_advisory_xact_lock_shared(\(SchemaMigrator.lockKey(schema: schema))),
                   pg_advisory_xact_lock(\(Self.publishLockKey(schema: schema)))
            """)
        try SchemaMigrator.checkCompatible(connection: connection, schema: schema)
    }

    private func publishedAsOf(before asOf: PostgresDate) throws -> PostgresDate? {
        try connection.execute("select max(as_of) from \(identifier: schema).snapshots where as_of < \(asOf)")[0][0].date
    }

    private func publishedAsOf(after asOf: PostgresDate) throws -> PostgresDate? {
        try connection.execute("select min(as_of) from \(identifier: schema).snapshots where as_of > \(asOf)")[0][0].date
    }

    /// A fresh table shaped like a partition of `table`, with the as_of constraint that
    /// lets ATTACH skip its validation scan.
    private func createStagingTable(_ staged: StagedTable) throws {
        try connection.simpleQuery("""
            drop table if exists \(staged.qualifiedStaging);
            create table \(staged.qualifiedStaging) (
                like \(staged.qualifiedParent) including defaults,
                constraint snapshot_as_of check (as_of = \(staged.asOfLiteral))
            )
            """)
    }

    /// Not analyzed here: statistics of all 60-odd columns would cost as much as the COPY,
    /// and no statement of the publish needs them; autovacuum analyzes the new partition
    /// soon after the commit (its change counter counts the COPY).
    private func stageFeatures(_ features: FeatureRowEncoder, into staged: StagedTable) throws -> Int {
        try createStagingTable(staged)
        // FREEZE: the table is new in this transaction, so rows can be written frozen and
        // never need a vacuum pass to set hint bits.
        let rows = try connection.copyIn(
            "copy \(staged.qualifiedStaging) (\(FeatureRowEncoder.columnList)) from stdin with (format binary, freeze)"
        ) { stream in
            try EncodedChunkPipeline.run(
                produce: { emit in
                    var encoder = BinaryCopyEncoder(capacity: 1 << 20 + 1 << 16)
                    for row in 0..<features.count {
                        try features.encode(row: row, into: &encoder)
                        if encoder.byteCount >= 1 << 20 {
                            guard emit(encoder.buffer) else { return }
                            encoder.removeAll()
                        }
                    }
                    _ = emit(encoder.buffer)
                },
                consume: { try stream.send($0) }
            )
        }
        try connection.simpleQuery("""
            alter table \(staged.qualifiedStaging) add constraint \(staged.quotedStaging(suffix: "_pkey")) primary key (customer_id, as_of)
            """)
        return rows
    }

    /// Rows go in (segmentation_key, segment_key) order, so that each segment's members
    /// are adjacent and the BRIN index over those columns finds them; the primary key is
    /// built after the COPY, and the statistics of the whole table come from `analyze`.
    private func stageMemberships(_ staged: StagedMemberships, asOf: PostgresDate, into table: StagedTable) throws -> Int {
        try createStagingTable(table)
        let memberships = staged.table
        let keys = staged.catalog.keys
        let rows = try connection.copyIn(
            "copy \(table.qualifiedStaging) (as_of, customer_id, segmentation_key, segment_key, is_primary, is_control) from stdin with (format binary, freeze)"
        ) { stream in
            try EncodedChunkPipeline.run(
                produce: { emit in
                    var encoder = BinaryCopyEncoder(capacity: 1 << 20 + 1 << 16)
                    for index in memberships.orderedBySegment(keys: keys) {
                        let key = keys[Int(memberships.segments[Int(index)])]
                        encoder.beginRow(fieldCount: 6)
                        encoder.write(asOf)
                        encoder.write(memberships.customerIDs[Int(index)])
                        encoder.write(key.segmentationKey)
                        encoder.write(key.segmentKey)
                        encoder.write(memberships.isPrimary[Int(index)])
                        encoder.write(memberships.isControl[Int(index)])
                        if encoder.byteCount >= 1 << 20 {
                            guard emit(encoder.buffer) else { return }
                            encoder.removeAll()
                        }
                    }
                    _ = emit(encoder.buffer)
                },
                consume: { try stream.send($0) }
            )
        }
        try connection.simpleQuery("""
            alter table \(table.qualifiedStaging) add constraint \(table.quotedStaging(suffix: "_pkey")) primary key (customer_id, segmentation_key, segment_key, as_of);
            create index \(table.quotedStaging(suffix: "_segment_brin")) on \(table.qualifiedStaging)
                using brin (segmentation_key, segment_key) with (pages_per_range = 16);
            analyze \(table.qualifiedStaging)
            """)
        return rows
    }

    private func replaceDefinitions(_ definitions: [SegmentDefinitionRecord], asOf: PostgresDate) throws -> Int {
        try connection.execute("delete from \(identifier: schema).segment_definitions where as_of = \(asOf)")
        // The encoder has no array writer: actions travel as an array literal in a temp
        // table and are cast to text[] on the way in.
        try connection.simpleQuery("""
            create temp table segflow_definitions_in (
                segmentation_key text, segment_key text, name text, description text,
                rule text, actions text, is_primary bool, position int4, control_share float8
            ) on commit drop
            """)
        try connection.copyIn("copy pg_temp.segflow_definitions_in from stdin with (format binary)", rows: definitions) { encoder, definition in
            encoder.beginRow(fieldCount: 9)
            encoder.write(definition.segmentationKey)
            encoder.write(definition.segmentKey)
            encoder.write(definition.name)
            encoder.write(definition.description)
            encoder.write(definition.rule)
            encoder.write(Self.arrayLiteral(definition.actions))
            encoder.write(definition.isPrimary)
            encoder.write(Int32(clamping: definition.position))
            encoder.write(definition.control?.share ?? 0)
        }
        let inserted = try connection.execute("""
            insert into \(identifier: schema).segment_definitions
                (as_of, segmentation_key, segment_key, name, description, rule, actions, is_primary, position, control_share)
            select \(asOf)::date, segmentation_key, segment_key, name, description, rule, actions::text[], is_primary, position,
                   control_share
            from pg_temp.segflow_definitions_in
            """).affectedRows
        try connection.simpleQuery("drop table pg_temp.segflow_definitions_in")
        return inserted
    }

    /// The JSON text of `raw` is the costly part of a quarantine row: encoded on a worker
    /// while the server parses the previous chunk.
    private func replaceQuarantine(_ records: [QuarantineRecord], asOf: PostgresDate, runID: RunID) throws -> Int {
        try connection.execute("delete from \(identifier: schema).quarantine where as_of = \(asOf)")
        guard !records.isEmpty else { return 0 }
        return try connection.copyIn(
            "copy \(PostgresQuery.quoteIdentifier(schema)).quarantine (run_id, as_of, source, source_key, reason, action, raw) from stdin with (format binary)"
        ) { stream in
            try EncodedChunkPipeline.run(
                produce: { emit in
                    var encoder = BinaryCopyEncoder(capacity: 1 << 20 + 1 << 16)
                    var json: [UInt8] = []
                    for record in records {
                        encoder.beginRow(fieldCount: 7)
                        encoder.write(runID.uuid)
                        encoder.write(asOf)
                        encoder.write(record.source)
                        // The clean stage keys rows without a key as "": store NULL, as documented.
                        encoder.write(record.key.isEmpty ? nil : record.key)
                        encoder.write(record.reason.rawValue)
                        encoder.write(record.action.rawValue)
                        // jsonb's binary form is a version byte (1) followed by the JSON text.
                        json.removeAll(keepingCapacity: true)
                        json.append(1)
                        json.append(UInt8(ascii: "{"))
                        for (position, value) in record.raw.enumerated() {
                            if position > 0 { json.append(UInt8(ascii: ",")) }
                            JSONText.appendString(value.column, to: &json)
                            json.append(UInt8(ascii: ":"))
                            if let text = value.value { JSONText.appendString(text, to: &json) } else { json += Array("null".utf8) }
                        }
                        json.append(UInt8(ascii: "}"))
                        encoder.write(String(decoding: json, as: UTF8.self))
                        if encoder.byteCount >= 1 << 20 {
                            guard emit(encoder.buffer) else { return }
                            encoder.removeAll()
                        }
                    }
                    _ = emit(encoder.buffer)
                },
                consume: { try stream.send($0) }
            )
        }
    }

    /// Drops the as_of's old partitions (if any) and attaches the staged tables in their
    /// place; true if an old snapshot was replaced. Dropping locks the parent tables
    /// exclusively until commit, so each attempt waits at most `swapLockTimeout` for
    /// running queries and gives way to them between attempts.
    private func swap(_ tables: [StagedTable], asOf: PostgresDate) throws -> Bool {
        var attempt = 1
        while true {
            try connection.simpleQuery("savepoint segflow_swap; set local lock_timeout = \(Int(swapLockTimeout * 1000))")
            do {
                var replaced = false
                for staged in tables {
                    if let old = try partition(of: staged.table, asOf: asOf) {
                        try connection.simpleQuery("drop table \(old)")
                        replaced = true
                    }
                    try connection.simpleQuery("""
                        alter table \(staged.qualifiedParent) attach partition \(staged.qualifiedStaging) for values in (\(staged.asOfLiteral));
                        alter table \(staged.qualifiedStaging) rename to \(staged.quotedPartition(suffix: ""));
                        comment on table \(staged.qualifiedPartition) is \(staged.commentLiteral);
                        \(staged.indexSuffixes.map { suffix in
                            "alter index \(staged.qualified(staged.quotedStaging(suffix: suffix))) rename to \(staged.quotedPartition(suffix: suffix));"
                        }.joined(separator: "\n"))
                        """)
                }
                try connection.simpleQuery("release savepoint segflow_swap; set local lock_timeout to default")
                return replaced
            } catch let error as PostgresError where error.sqlState == "55P03" && attempt < swapAttempts {
                // lock_not_available: let the queries in front of us finish, then retry.
                try connection.simpleQuery("rollback to savepoint segflow_swap")
                logger.notice("waiting for readers to swap in the snapshot", metadata: [
                    "as_of": .string(asOf.description), "attempt": .stringConvertible(attempt),
                ])
                Thread.sleep(forTimeInterval: min(0.1 * Double(attempt), 1))
                attempt += 1
            } catch let error as PostgresError where error.sqlState == "55P03" {
                throw SwapLockTimeoutError(asOf: asOf, attempts: attempt)
            }
        }
    }

    /// The partition of `table` that holds `asOf`, schema-qualified and quoted; nil if none.
    func partition(of table: String, asOf: PostgresDate) throws -> String? {
        try connection.execute("""
            select format('%I.%I', n.nspname, c.relname)
            from pg_inherits i
            join pg_class c on c.oid = i.inhrelid
            join pg_namespace n on n.oid = c.relnamespace
            where i.inhparent = \(PostgresQuery.quoteIdentifier(schema) + "." + PostgresQuery.quoteIdentifier(table))::regclass
              and pg_get_expr(c.relpartbound, c.oid) = \("FOR VALUES IN ('\(asOf)')")
            """).rows.first?[0].string
    }

    /// Upserts the snapshot's row; returns its token (run id and publish time).
    private func recordSnapshot<Memberships>(_ snapshot: OutputSnapshot<Memberships>, previous: PostgresDate?, counts: [String: Int]) throws -> String {
        try connection.execute("""
            insert into \(identifier: schema).snapshots
                (as_of, run_id, config_hash, previous_as_of, customers, memberships, quarantined, published_at)
            values (
                \(snapshot.asOf), \(snapshot.runID)::uuid, \(snapshot.configHash), \(previous),
                \(counts["customer_features"] ?? 0), \(counts["customer_segments"] ?? 0), \(counts["quarantine"] ?? 0), now()
            )
            on conflict (as_of) do update set
                run_id = excluded.run_id,
                config_hash = excluded.config_hash,
                previous_as_of = excluded.previous_as_of,
                customers = excluded.customers,
                memberships = excluded.memberships,
                quarantined = excluded.quarantined,
                published_at = excluded.published_at
            returning run_id::text || ' ' || published_at::text
            """)[0][0].string ?? ""
    }

    /// Computes the snapshot's KPIs and transitions against `previous` and writes them.
    private func compareAndWrite(
        asOf: PostgresDate, previous: PostgresDate?, customerIDs: [Int64], measures: SnapshotComparisons.Measures,
        staged: StagedMemberships, definedSegments: [SegmentCatalog.Key]
    ) throws -> Int {
        var catalog = staged.catalog
        var before: SnapshotComparisons.Previous?
        if let previous { before = try previousSnapshot(asOf: previous, catalog: &catalog) }
        let comparisons = SnapshotComparisons(
            customerIDs: customerIDs, measures: measures, staged: staged, catalog: catalog,
            definedSegments: definedSegments, previous: before
        )
        return try writeComparisons(comparisons, asOf: asOf, previous: previous)
    }

    /// The previous snapshot for the comparisons: the one kept from the last publish if
    /// `snapshots` still shows that publish, else read from its partitions.
    private func previousSnapshot(asOf: PostgresDate, catalog: inout SegmentCatalog) throws -> SnapshotComparisons.Previous {
        if let last = lastPublished, last.snapshot.asOf == asOf {
            let current = try connection.execute(
                "select run_id::text || ' ' || published_at::text from \(identifier: schema).snapshots where as_of = \(asOf)"
            ).rows.first?[0].string
            if current == last.token {
                // Its segment indices refer to its own catalog: renumber them into this one.
                let renumbered = last.keys.map { catalog.index(segmentationKey: $0.segmentationKey, segmentKey: $0.segmentKey) }
                var snapshot = last.snapshot
                snapshot.memberships.segments = snapshot.memberships.segments.map { renumbered[Int($0)] }
                return snapshot
            }
        }
        lastPublished = nil
        return try readSnapshot(asOf: asOf, catalog: &catalog)
    }

    /// A PostgreSQL array literal of quoted elements, e.g. `{"a","b \"c\""}`.
    static func arrayLiteral(_ values: [String]) -> String {
        let elements = values.map { value in
            "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        return "{" + elements.joined(separator: ",") + "}"
    }
}

/// The names around one partition: its parent, its final name and the staging table it
/// is loaded into (`customer_features_p20240131_new`).
private struct StagedTable {
    let schema: String
    let table: String
    let asOf: PostgresDate

    /// Indexes created on the staging table, renamed along with it.
    var indexSuffixes: [String] { table == "customer_segments" ? ["_pkey", "_segment_brin"] : ["_pkey"] }

    /// The date as SQL text; safe to splice (digits and dashes only).
    var asOfLiteral: String { "'\(asOf.description)'::date" }
    var partition: String { "\(table)_p\(asOf.description.replacingOccurrences(of: "-", with: ""))" }

    /// The parent lives in the output schema; staging tables, partitions and their
    /// indexes in its partitions schema (`OutputSchemas.partitions(of:)`).
    var qualifiedParent: String { PostgresQuery.quoteIdentifier(schema) + "." + PostgresQuery.quoteIdentifier(table) }
    var qualifiedStaging: String { qualified(quotedStaging(suffix: "")) }
    var qualifiedPartition: String { qualified(quotedPartition(suffix: "")) }

    func quotedStaging(suffix: String) -> String { PostgresQuery.quoteIdentifier(partition + "_new" + suffix) }
    func quotedPartition(suffix: String) -> String { PostgresQuery.quoteIdentifier(partition + suffix) }
    func qualified(_ quotedName: String) -> String { PostgresQuery.quoteIdentifier(OutputSchemas.partitions(of: schema)) + "." + quotedName }

    /// The partition's table comment as a SQL literal: what it holds and that readers
    /// want the parent (the same text migration 0007 gives partitions it moved).
    var commentLiteral: String {
        let text = "Partition of \(schema).\(table) (FOR VALUES IN ('\(asOf)')); query the parent table, whose columns are commented."
        return "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }
}

/// Times and row counts of the publish steps, logged as they finish.
private struct Steps {
    let logger: Logger
    let clock = ContinuousClock()
    let started: ContinuousClock.Instant
    var rows: [String: Int] = [:]
    var seconds: [String: Double] = [:]

    init(logger: Logger) {
        self.logger = logger
        started = clock.now
    }

    var total: Double { Self.seconds(clock.now - started) }

    /// Runs one step; `body` returns the rows it wrote, or nil when rows mean nothing.
    mutating func run(_ name: String, _ body: () throws -> Int?) throws {
        let start = clock.now
        let count = try body()
        let elapsed = Self.seconds(clock.now - start)
        seconds[name] = elapsed
        var metadata: Logger.Metadata = ["step": .string(name), "seconds": .string(Self.format(elapsed))]
        if let count {
            rows[name] = count
            metadata["rows"] = .stringConvertible(count)
            if elapsed > 0 { metadata["rows_per_second"] = .stringConvertible(Int(Double(count) / elapsed)) }
        }
        logger.info("publish step done", metadata: metadata)
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    static func format(_ seconds: Double) -> String { String(format: "%.3f", seconds) }
}
