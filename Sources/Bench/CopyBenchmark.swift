import ArgumentParser
import Foundation
import LocalPostgres
import PostgresClient

/// The Swift client's binary COPY against psql's `\copy … (format binary)`, on the same
/// order rows in the same cluster, rounds alternating so that machine noise hits both.
struct CopyBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "copy", abstract: "COPY TO and COPY FROM: Swift client vs psql.")

    @Option(help: "Order rows to stream.") var rows = 5_000_000
    @Option(help: "Alternating rounds per side.") var rounds = 3

    struct OrderRow {
        var orderID: Int64, customerID: Int64, sessionID: Int64?
        var placedAt: PostgresTimestamp, status: String, currency: String
        var subtotal: Int64, discount: Int64, shipping: Int64, tax: Int64, total: Int64
        var coupon: String?, country: String, updatedAt: PostgresTimestamp
    }

    static let columns = """
        order_id int8, customer_id int8, session_id int8, placed_at timestamptz, status text, currency text,
        subtotal numeric(12,2), discount_total numeric(12,2), shipping_total numeric(12,2), tax_total numeric(12,2),
        total numeric(12,2), coupon_code text, shipping_country text, updated_at timestamptz
        """

    func run() throws {
        let cluster = try LocalPostgresCluster.start(logger: BenchSupport.logger)
        defer { cluster.stop() }
        let database = "postgres"
        let connection = try PostgresConnection(PostgresConfiguration(connectionString: cluster.connectionString(database: database)))
        try connection.simpleQuery("""
            create table bench_orders (\(Self.columns));
            create table bench_load (\(Self.columns));
            insert into bench_orders
            select g, 1 + g % 1000003, case when g % 4 = 0 then null else g * 3 end,
                   timestamptz '2023-01-01' + (g % 50000000) * interval '1 second',
                   (array['completed','completed','completed','cancelled','refunded','pending'])[1 + g % 6],
                   (array['EUR','USD','GBP','SEK'])[1 + g % 4],
                   (g % 50000) / 100.0 + 10, (g % 700) / 100.0, 4.90, (g % 900) / 100.0, (g % 50000) / 100.0 + 15,
                   case when g % 5 = 0 then 'SPRING' || (g % 7) end, (array['DE','FR','GB','SE','PL'])[1 + g % 5],
                   timestamptz '2023-01-02' + (g % 50000000) * interval '1 second'
            from generate_series(1, \(rows)) g;
            analyze bench_orders;
            """)
        let file = URL(fileURLWithPath: cluster.dataDirectory).deletingLastPathComponent().appendingPathComponent("bench_orders.bin").path

        // Warm the cache and produce the file psql loads.
        try BenchSupport.psql(cluster, database: database, "\\copy bench_orders to '\(file)' with (format binary)")

        var psqlOut: [Double] = [], swiftOut: [Double] = []
        var checksum: Int64 = 0
        for _ in 0..<rounds {
            psqlOut.append(try BenchSupport.seconds {
                try BenchSupport.psql(cluster, database: database, "\\copy (select * from bench_orders) to '/dev/null' with (format binary)")
            })
            swiftOut.append(try BenchSupport.seconds {
                checksum &+= try streamOut(connection)
            })
        }

        // The rows the Swift loader sends, decoded once (not timed).
        var loaded: [OrderRow] = []
        loaded.reserveCapacity(rows)
        try connection.copyOut("copy bench_orders to stdout (format binary)") { row in
            loaded.append(try Self.decode(row))
        }
        var psqlIn: [Double] = [], swiftIn: [Double] = []
        for _ in 0..<rounds {
            try connection.simpleQuery("truncate bench_load; checkpoint")
            psqlIn.append(try BenchSupport.seconds {
                try BenchSupport.psql(cluster, database: database, "\\copy bench_load from '\(file)' with (format binary)")
            })
            try connection.simpleQuery("truncate bench_load; checkpoint")
            swiftIn.append(try BenchSupport.seconds {
                try connection.copyIn("copy bench_load from stdin (format binary)", rows: loaded, encode: Self.encode)
            })
        }
        let same = try connection.execute("select (select count(*) from bench_load) = \(rows) and not exists (select * from bench_orders except all select * from bench_load) as same")[0]["same"].bool
        guard same == true else { throw BenchFailure(description: "the Swift load differs from the source rows") }

        let outRatio = BenchSupport.median(swiftOut) / BenchSupport.median(psqlOut)
        let inRatio = BenchSupport.median(swiftIn) / BenchSupport.median(psqlIn)
        print("""
            ### Binary COPY: Swift client vs psql (\(rows) order rows, 14 columns, median of \(rounds) alternating rounds)

            | direction | psql (s) | segflow client (s) | ratio | target |
            |---|---|---|---|---|
            | COPY TO STDOUT, every field decoded | \(BenchSupport.format(BenchSupport.median(psqlOut))) | \(BenchSupport.format(BenchSupport.median(swiftOut))) | \(BenchSupport.format(outRatio))× | ≤ 1.2× |
            | COPY FROM STDIN, rows encoded from Swift values | \(BenchSupport.format(BenchSupport.median(psqlIn))) | \(BenchSupport.format(BenchSupport.median(swiftIn))) | \(BenchSupport.format(inRatio))× | ≤ 1.2× |

            Rounds (s): psql out \(psqlOut.map { BenchSupport.format($0) }), client out \(swiftOut.map { BenchSupport.format($0) }), \
            psql in \(psqlIn.map { BenchSupport.format($0) }), client in \(swiftIn.map { BenchSupport.format($0) }). Checksum \(checksum).

            """)
    }

    /// Streams the table and decodes every field, as the extract stage does.
    func streamOut(_ connection: PostgresConnection) throws -> Int64 {
        var checksum: Int64 = 0
        try connection.copyOut("copy (select * from bench_orders) to stdout (format binary)") { row in
            checksum &+= try row.int64(0) ?? 0
            checksum &+= try row.int64(1) ?? 0
            checksum &+= try row.int64(2) ?? 0
            checksum &+= try row.timestamp(3)?.microsecondsSince2000 ?? 0
            checksum &+= Int64(row.withBytes(4) { $0.count } ?? 0)
            checksum &+= Int64(row.withBytes(5) { $0.count } ?? 0)
            for field in 6...10 { checksum &+= try row.numericScaled(field, scale: 2) ?? 0 }
            checksum &+= Int64(row.withBytes(11) { $0.count } ?? 0)
            checksum &+= Int64(row.withBytes(12) { $0.count } ?? 0)
            checksum &+= try row.timestamp(13)?.microsecondsSince2000 ?? 0
        }
        return checksum
    }

    static func decode(_ row: BinaryCopyRow) throws -> OrderRow {
        OrderRow(
            orderID: try row.int64(0) ?? 0, customerID: try row.int64(1) ?? 0, sessionID: try row.int64(2),
            placedAt: try row.timestamp(3) ?? PostgresTimestamp(microsecondsSince2000: 0),
            status: try row.string(4) ?? "", currency: try row.string(5) ?? "",
            subtotal: try row.numericScaled(6, scale: 2) ?? 0, discount: try row.numericScaled(7, scale: 2) ?? 0,
            shipping: try row.numericScaled(8, scale: 2) ?? 0, tax: try row.numericScaled(9, scale: 2) ?? 0,
            total: try row.numericScaled(10, scale: 2) ?? 0, coupon: try row.string(11), country: try row.string(12) ?? "",
            updatedAt: try row.timestamp(13) ?? PostgresTimestamp(microsecondsSince2000: 0)
        )
    }

    static func encode(_ encoder: inout BinaryCopyEncoder, _ row: OrderRow) {
        encoder.beginRow(fieldCount: 14)
        encoder.write(row.orderID)
        encoder.write(row.customerID)
        encoder.write(row.sessionID)
        encoder.write(row.placedAt)
        encoder.write(row.status)
        encoder.write(row.currency)
        encoder.writeNumeric(scaled: row.subtotal, scale: 2)
        encoder.writeNumeric(scaled: row.discount, scale: 2)
        encoder.writeNumeric(scaled: row.shipping, scale: 2)
        encoder.writeNumeric(scaled: row.tax, scale: 2)
        encoder.writeNumeric(scaled: row.total, scale: 2)
        encoder.write(row.coupon)
        encoder.write(row.country)
        encoder.write(row.updatedAt)
    }
}
