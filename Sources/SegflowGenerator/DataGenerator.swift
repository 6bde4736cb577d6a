import Foundation
import Logging
import PostgresClient
import SegflowEngine
import SegflowSQL

/// Fills the source schema (`shop`, plus the ground truth in `shop_truth`) with synthetic
/// store data: customers with personas, web sessions, orders, order lines, support chats,
/// the catalogue and fx rates; with `dirtyRate > 0` also realistic defects.
///
/// Rows are produced in blocks of `blockSize` customers, each with its own random stream, by
/// `workers` threads; blocks pass to the tables in block order, so the output depends on the
/// seed, never on the number of workers. Every table streams over its own connection
/// through binary COPY into a table truncated in the same transaction (no WAL with
/// `wal_level=minimal`, rows frozen on the way in); all commit together. Indexes and
/// statistics follow, several tables at a time.
public final class DataGenerator: Sendable {
    public let configuration: GeneratorConfiguration
    public let logger: Logger

    /// Bumped whenever the same seed starts giving different rows.
    public static let revision = "segflow-generator/1"

    public init(configuration: GeneratorConfiguration, logger: Logger = Logger(label: "segflow.generate")) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Generates and loads everything into the database `database` points to.
    @discardableResult
    public func run(database: PostgresConfiguration) throws -> GenerationReport {
        try run { try PostgresConnection(database, logger: self.logger) }
    }

    /// Same, with connections from `connect` (called once per connection, from several threads).
    @discardableResult
    public func run(connect: @escaping @Sendable () throws -> PostgresConnection) throws -> GenerationReport {
        try configuration.validate()
        let started = Date()
        let world = GeneratorWorld(configuration: configuration)
        logger.info("generating source data", metadata: [
            "customers": "\(configuration.customers)", "seed": "\(configuration.seed)", "dirty": "\(configuration.dirtyRate)",
            "span": "\(world.timeline.startDay)…\(world.timeline.endDay)", "workers": "\(configuration.workers)",
        ])

        let control = try connect()
        defer { control.close() }
        try prepareSchema(control)
        let (products, productDefects, productCounts) = world.encodeProducts()
        let (rates, rateDefects, rateCounts) = world.encodeRates()
        try control.transaction {
            try control.simpleQuery("truncate table shop.products, shop.fx_rates, shop_truth.generation")
            try control.copyIn(SourceTable.products.copyStatement) { try $0.send(products.buffer) }
            try control.copyIn(SourceTable.fxRates.copyStatement) { try $0.send(rates.buffer) }
            try control.execute("""
                insert into shop_truth.generation (seed, customers, end_day, years, dirty_rate, block_size, generator)
                values (\(Int64(bitPattern: configuration.seed)), \(configuration.customers), \(configuration.endDay),
                        \(configuration.years), \(configuration.dirtyRate), \(configuration.blockSize), \(Self.revision))
                """)
        }
        let prepared = Date()

        var firstDefects = BinaryCopyEncoder(capacity: productDefects.byteCount + rateDefects.byteCount)
        firstDefects.append(contentsOf: productDefects)
        firstDefects.append(contentsOf: rateDefects)
        let streamed = try stream(world: world, connect: connect, firstDefects: firstDefects.buffer)
        let loaded = Date()

        if configuration.createIndexes {
            try createIndexes(connect: connect)
        }
        let finished = Date()

        var defectCounts = streamed.defectCounts
        if !productCounts.isEmpty { defectCounts[.products] = productCounts }
        if !rateCounts.isEmpty { defectCounts[.fxRates] = rateCounts }
        var tables = streamed.tables
        tables.insert(GenerationReport.TableLoad(table: .products, rows: products.rowCount, bytes: products.byteCount, seconds: 0), at: 1)
        tables.insert(GenerationReport.TableLoad(table: .fxRates, rows: rates.rowCount, bytes: rates.byteCount, seconds: 0), at: 6)
        let report = GenerationReport(
            configuration: configuration, tables: tables, personaCounts: streamed.personaCounts, defectCounts: defectCounts,
            prepareSeconds: prepared.timeIntervalSince(started), loadSeconds: loaded.timeIntervalSince(prepared),
            indexSeconds: finished.timeIntervalSince(loaded), totalSeconds: finished.timeIntervalSince(started)
        )
        logger.info("generated source data", metadata: [
            "rows": "\(report.totalRows)", "seconds": "\(String(format: "%.1f", report.totalSeconds))",
            "rows_per_second": "\(Int(Double(report.totalRows) / max(0.001, report.loadSeconds)))",
        ])
        return report
    }

    // MARK: - Schema

    /// Refuses to touch a `shop` that holds data unless `replace`; then (re)creates both schemas.
    func prepareSchema(_ connection: PostgresConnection) throws {
        let existing = try connection.execute("""
            select n.nspname, c.relname
            from pg_namespace n left join pg_class c on c.relnamespace = n.oid and c.relkind in ('r', 'p')
            where n.nspname in ('shop', 'shop_truth')
            order by 1, 2
            """)
        let schemas = Set(existing.rows.compactMap { $0[0].string })
        if !schemas.isEmpty && !configuration.replace {
            var filled: [String] = []
            for row in existing.rows {
                guard row[0].string == "shop", let table = row[1].string else { continue }
                let name = "shop.\(PostgresQuery.quoteIdentifier(table))"
                if try connection.execute(PostgresQuery(unsafeSQL: "select exists (select 1 from \(name))"))[0][0].bool == true {
                    filled.append("shop.\(table)")
                }
            }
            if !filled.isEmpty {
                throw GenerationError.sourceNotEmpty(
                    "schema shop already holds data (\(filled.joined(separator: ", "))); run again with --replace to drop and regenerate shop and shop_truth"
                )
            }
        }
        let schemaSQL = try SegflowSQL.text("source/001_shop_schema.sql")
        try connection.transaction {
            if configuration.replace {
                try connection.simpleQuery("drop schema if exists shop cascade; drop schema if exists shop_truth cascade")
            } else if !schemas.isEmpty {
                // Empty tables only: drop them, but never cascade into objects of others (views,
                // functions); PostgreSQL then says what is in the way.
                for row in existing.rows {
                    guard let schema = row[0].string, let table = row[1].string else { continue }
                    try connection.simpleQuery("drop table \(PostgresQuery.quoteIdentifier(schema)).\(PostgresQuery.quoteIdentifier(table))")
                }
                try connection.simpleQuery("drop schema if exists shop; drop schema if exists shop_truth")
            }
            try connection.simpleQuery(schemaSQL)
        }
        logger.debug("created schemas shop and shop_truth", metadata: ["replaced": "\(!schemas.isEmpty)"])
    }

    // MARK: - Generate and stream

    struct StreamResult {
        var tables: [GenerationReport.TableLoad]
        var personaCounts: [Persona: Int]
        var defectCounts: [SourceTable: [DefectKind: Int]]
    }

    private struct Progress {
        var blocks = 0
        var rows = Array(repeating: 0, count: SourceTable.streamed.count)
        var bytes = Array(repeating: 0, count: SourceTable.streamed.count)
        var personas = Array(repeating: 0, count: Persona.allCases.count)
        var defects = Array(repeating: Array(repeating: 0, count: DefectKind.allCases.count), count: SourceTable.allCases.count)
    }

    private struct LoaderOutcome {
        var rows = 0
        var bytes = 0
        var seconds = 0.0
    }

    private func stream(world: GeneratorWorld, connect: @escaping @Sendable () throws -> PostgresConnection, firstDefects: [UInt8]) throws -> StreamResult {
        let tables = SourceTable.streamed
        let blockCount = configuration.blockCount
        // Bounded queues: at most a few blocks per table in flight.
        let queues = tables.map { _ in ChunkQueue(capacity: 3) }
        let sequencer = BlockSequencer()
        let counter = BlockCounter(total: blockCount)
        let gate = CommitGate(parties: tables.count)
        let progress = Locked(Progress())
        let failure = Locked<Error?>(nil)
        let outcomes = Locked(Array(repeating: LoaderOutcome(), count: tables.count))
        let logger = self.logger

        @Sendable func abortAll(_ error: Error) {
            failure.withLock { if $0 == nil { $0 = error } }
            sequencer.abort()
            queues.forEach { $0.abort() }
        }

        if !firstDefects.isEmpty, let defectsIndex = tables.firstIndex(of: .injectedDefects) {
            queues[defectsIndex].push(firstDefects)
        }

        // One loader (connection, transaction, COPY) per table.
        let loaders = DispatchGroup()
        for (index, table) in tables.enumerated() {
            let queue = queues[index]
            Parallel.startThread(name: "segflow-load-\(table.rawValue)", group: loaders) {
                var connection: PostgresConnection?
                var copied = false
                do {
                    let opened = try connect()
                    connection = opened
                    try opened.simpleQuery("begin")
                    try opened.simpleQuery("truncate table \(table.qualifiedName)")
                    let start = Date()
                    var bytes = 0
                    let rows = try opened.copyIn(table.copyStatement) { stream in
                        while let chunk = queue.pop() {
                            bytes += chunk.count
                            try chunk.withUnsafeBytes { raw in
                                var offset = 0
                                while offset < raw.count {
                                    let end = min(raw.count, offset + (1 << 20))
                                    try stream.send(UnsafeRawBufferPointer(rebasing: raw[offset..<end]))
                                    offset = end
                                }
                            }
                        }
                        if queue.isAborted { throw GenerationError.aborted("another table failed") }
                    }
                    let seconds = Date().timeIntervalSince(start)
                    outcomes.withLock { $0[index] = LoaderOutcome(rows: rows, bytes: bytes, seconds: seconds) }
                    copied = true
                } catch {
                    if case GenerationError.aborted = error {} else {
                        logger.error("loading \(table.qualifiedName) failed", metadata: ["error": "\(error)"])
                    }
                    abortAll(error)
                }
                let commit = gate.arrive(succeeded: copied)
                do {
                    if let connection {
                        try connection.simpleQuery(commit ? "commit" : "rollback")
                    }
                } catch {
                    abortAll(error)
                }
                connection?.close()
            }
        }

        // Workers: simulate blocks, then hand them over in block order.
        let workers = DispatchGroup()
        for worker in 0..<max(1, min(configuration.workers, blockCount)) {
            Parallel.startThread(name: "segflow-generate-\(worker)", group: workers) {
                while let block = counter.claim() {
                    var generator = BlockGenerator(world: world, block: block)
                    let output = generator.run()
                    guard sequencer.waitTurn(block) else { return }
                    for (index, encoder) in output.encoders.enumerated() where encoder.byteCount > 0 {
                        guard queues[index].push(encoder.buffer) else { return }
                    }
                    progress.withLock { progress in
                        progress.blocks += 1
                        for (index, encoder) in output.encoders.enumerated() {
                            progress.rows[index] += encoder.rowCount
                            progress.bytes[index] += encoder.byteCount
                        }
                        for (index, count) in output.personaCounts.enumerated() { progress.personas[index] += count }
                        for (t, kinds) in output.defectCounts.enumerated() {
                            for (k, count) in kinds.enumerated() { progress.defects[t][k] += count }
                        }
                    }
                    sequencer.finish(block)
                }
            }
        }

        // Progress while the workers run; then close the queues so that the COPYs end.
        let start = Date()
        while workers.wait(timeout: .now() + configuration.progressInterval) == .timedOut {
            let snapshot = progress.current
            let elapsed = Date().timeIntervalSince(start)
            let rows = snapshot.rows.reduce(0, +)
            logger.info("generating", metadata: [
                "blocks": "\(snapshot.blocks)/\(blockCount)",
                "customers": "\(min(configuration.customers, snapshot.blocks * configuration.blockSize))",
                "rows": "\(rows)", "rows_per_second": "\(Int(Double(rows) / max(elapsed, 0.001)))",
                "mb": "\(snapshot.bytes.reduce(0, +) >> 20)",
            ])
        }
        queues.forEach { $0.close() }
        loaders.wait()
        if let error = failure.current { throw error }

        let snapshot = progress.current
        let finalOutcomes = outcomes.current
        var loads: [GenerationReport.TableLoad] = []
        for (index, table) in tables.enumerated() {
            let outcome = finalOutcomes[index]
            loads.append(GenerationReport.TableLoad(table: table, rows: outcome.rows, bytes: outcome.bytes, seconds: outcome.seconds))
        }
        var personaCounts: [Persona: Int] = [:]
        for (index, persona) in Persona.allCases.enumerated() where snapshot.personas[index] > 0 {
            personaCounts[persona] = snapshot.personas[index]
        }
        var defectCounts: [SourceTable: [DefectKind: Int]] = [:]
        for (t, table) in SourceTable.allCases.enumerated() {
            for (k, kind) in DefectKind.allCases.enumerated() where snapshot.defects[t][k] > 0 {
                defectCounts[table, default: [:]][kind] = snapshot.defects[t][k]
            }
        }
        return StreamResult(tables: loads, personaCounts: personaCounts, defectCounts: defectCounts)
    }

    // MARK: - Indexes

    /// The statements of `002_shop_indexes.sql`, grouped by the table they touch, largest table first.
    static func indexStatements() throws -> [(table: String, statements: [String])] {
        let text = try SegflowSQL.text("source/002_shop_indexes.sql")
        let withoutComments = text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { line in line.range(of: "--").map { String(line[..<$0.lowerBound]) } ?? String(line) }
            .joined(separator: "\n")
        var groups: [(table: String, statements: [String])] = []
        for raw in withoutComments.split(separator: ";") {
            let statement = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !statement.isEmpty else { continue }
            let words = statement.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "(" })
            let table: String
            if let on = words.firstIndex(of: "on"), on + 1 < words.count {
                table = String(words[on + 1])
            } else {
                table = String(words.last ?? "")
            }
            if let index = groups.firstIndex(where: { $0.table == table }) {
                groups[index].statements.append(statement)
            } else {
                groups.append((table, [statement]))
            }
        }
        let order = ["shop.sessions", "shop.order_items", "shop.orders", "shop.customers", "shop.chats", "shop_truth.customer_personas"]
        return groups.sorted { (order.firstIndex(of: $0.table) ?? order.count) < (order.firstIndex(of: $1.table) ?? order.count) }
    }

    private func createIndexes(connect: @escaping @Sendable () throws -> PostgresConnection) throws {
        let groups = try Self.indexStatements()
        let next = Locked(0)
        let failure = Locked<Error?>(nil)
        let logger = self.logger
        let connections = min(3, max(1, ProcessInfo.processInfo.activeProcessorCount), groups.count)
        Parallel.onThreads(connections, name: "segflow-index") { _ in
            do {
                let connection = try connect()
                defer { connection.close() }
                // Sorting for an index is faster with room; never lower a larger server setting.
                try connection.simpleQuery("""
                    select set_config('maintenance_work_mem', '256MB', false)
                    where pg_size_bytes(current_setting('maintenance_work_mem')) < pg_size_bytes('256MB')
                    """)
                while failure.current == nil {
                    let index = next.withLock { value -> Int in
                        defer { value += 1 }
                        return value
                    }
                    guard index < groups.count else { break }
                    let started = Date()
                    for statement in groups[index].statements {
                        try connection.simpleQuery(statement)
                    }
                    logger.debug("indexed and analyzed", metadata: [
                        "table": "\(groups[index].table)", "seconds": "\(String(format: "%.1f", Date().timeIntervalSince(started)))",
                    ])
                }
            } catch {
                failure.withLock { if $0 == nil { $0 = error } }
            }
        }
        if let error = failure.current { throw error }
    }
}
