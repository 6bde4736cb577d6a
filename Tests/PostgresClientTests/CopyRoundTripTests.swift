import Foundation
import PostgresClient
import SegflowTestSupport
import Testing

@Suite struct CopyRoundTripTests {
    struct Row: Equatable {
        var id: Int64
        var small: Int16?
        var medium: Int32?
        var big: Int64?
        var amount: PostgresNumeric?
        var real: Double?
        var flag: Bool?
        var label: String?
        var day: PostgresDate?
        var at: PostgresTimestamp?
        var key: UUID?
    }

    static let table = """
        create table everything (
            id int8, small int2, medium int4, big int8, amount numeric, real float8, flag bool,
            label text, day date, at timestamptz, key uuid
        )
        """

    static let rows: [Row] = [
        Row(id: 1, small: .max, medium: .max, big: .max, amount: PostgresNumeric("99999999999999999999999999999999.99999999999999"),
            real: .greatestFiniteMagnitude, flag: true, label: "plain", day: PostgresDate(year: 2024, month: 2, day: 29),
            at: PostgresTimestamp(iso: "2024-03-31 01:59:59.999999+00"), key: UUID(uuidString: "12345678-1234-5678-9ABC-DEF012345678")),
        Row(id: 2, small: .min, medium: .min, big: .min, amount: PostgresNumeric("-0.00000000000000000001"),
            real: -0.0, flag: false, label: "", day: PostgresDate(year: 1, month: 1, day: 1),
            at: PostgresTimestamp(microsecondsSince2000: -62_000_000_000_000_000), key: UUID(uuidString: "00000000-0000-0000-0000-000000000000")),
        Row(id: 3, small: 0, medium: 0, big: 0, amount: PostgresNumeric("0"), real: .infinity, flag: nil,
            label: "Grüße, Zürich — 東京 🛒 'quoted' \\ back\tslash\nnew line", day: PostgresDate(year: 9999, month: 12, day: 31),
            at: PostgresTimestamp(microsecondsSince2000: 0), key: nil),
        Row(id: 4, small: nil, medium: nil, big: nil, amount: nil, real: nil, flag: nil, label: nil, day: nil, at: nil, key: nil),
        Row(id: 5, small: -1, medium: 123_456, big: 9_007_199_254_740_993, amount: PostgresNumeric.nan,
            real: 1e-308, flag: true, label: String(repeating: "x", count: 100_000), day: PostgresDate(year: 1999, month: 12, day: 31),
            at: PostgresTimestamp(iso: "1969-07-20 20:17:40+00"), key: UUID()),
        Row(id: 6, small: 1, medium: 1, big: 1, amount: PostgresNumeric("12345678.9"), real: .pi, flag: false,
            label: " padded ", day: PostgresDate(year: 2000, month: 1, day: 1), at: PostgresTimestamp(iso: "2000-01-01 00:00:00.000001+00"), key: nil),
    ]

    func encode(_ encoder: inout BinaryCopyEncoder, _ row: Row) {
        encoder.beginRow(fieldCount: 11)
        encoder.write(row.id)
        encoder.write(row.small)
        encoder.write(row.medium)
        encoder.write(row.big)
        encoder.write(row.amount)
        encoder.write(row.real)
        encoder.write(row.flag)
        encoder.write(row.label)
        encoder.write(row.day)
        encoder.write(row.at)
        encoder.write(row.key)
    }

    @Test func everyColumnTypeRoundTripsThroughBinaryCopy() throws {
        let connection = try PostgresConnection(PostgresConfiguration(connectionString: TestPostgres.makeDatabase(prefix: "copyrt").connectionString))
        try connection.simpleQuery(Self.table)
        let loaded = try connection.copyIn("copy everything from stdin (format binary)", rows: Self.rows, encode: encode)
        #expect(loaded == Self.rows.count)

        var read: [Row] = []
        let count = try connection.copyOut("copy (select * from everything order by id) to stdout (format binary)") { row in
            read.append(Row(
                id: try #require(try row.int64(0)), small: try row.int16(1), medium: try row.int32(2), big: try row.int64(3),
                amount: try row.numeric(4), real: try row.double(5), flag: try row.bool(6), label: try row.string(7),
                day: try row.date(8), at: try row.timestamp(9), key: try row.uuid(10)
            ))
        }
        #expect(count == Self.rows.count)
        #expect(read.count == Self.rows.count)
        for (expected, actual) in zip(Self.rows, read) {
            #expect(actual == expected)
        }
        // -0.0 == 0.0 in Swift; check the sign bit survived.
        #expect(read[1].real?.sign == .minus)
        // The server sees the same values as the text of the input.
        let text = try connection.execute("select amount::text as a, label, day::text as d from everything where id = 3")[0]
        #expect(text["a"].string == "0")
        #expect(text["label"].string == Self.rows[2].label)
        #expect(text["d"].string == "9999-12-31")
    }

    @Test func numericTextMatchesTheServerRendering() throws {
        let connection = try PostgresConnection(PostgresConfiguration(connectionString: TestPostgres.makeDatabase(prefix: "numtext").connectionString))
        let samples = ["0", "0.00", "1", "-1", "10000", "0.0001", "123456789012345678901234567890.123456789", "-0.5",
                       "1e-30", "42.4200", "9999.9999", "100000000", "NaN"]
        try connection.simpleQuery("create table n (id int, v numeric)")
        for (index, sample) in samples.enumerated() {
            try connection.execute("insert into n values (\(index), \(sample)::numeric)")
        }
        var fromCopy: [String] = []
        try connection.copyOut("copy (select v from n order by id) to stdout (format binary)") { row in
            fromCopy.append(try #require(try row.numeric(0)).description)
        }
        let fromServer = try connection.execute("select v::text as v from n order by id").rows.map { $0["v"].string ?? "" }
        #expect(fromCopy == fromServer)
        // Parsing and printing agree with the server for every sample.
        for (sample, server) in zip(samples, fromServer) {
            if let parsed = PostgresNumeric(sample), !sample.contains("e") {
                #expect(parsed.description == server)
            }
        }
    }

    @Test func scaledNumericsRoundHalfAwayFromZeroLikeTheServer() throws {
        let connection = try PostgresConnection(PostgresConfiguration(connectionString: TestPostgres.makeDatabase(prefix: "scaled").connectionString))
        let samples = ["2.345", "-2.345", "2.3449999", "0.005", "-0.005", "0.0049", "1234567.891", "0", "12.5", "-12.5",
                       "0.00005", "99999999.995", "7.123456789"]
        for scale in 0...4 {
            var fast: [Int64] = []
            let values = samples.map { "\($0)::numeric" }.joined(separator: "), (")
            try connection.copyOut("copy (select v from (values (\(values))) s(v)) to stdout (format binary)") { row in
                fast.append(try #require(try row.numericScaled(0, scale: scale)))
            }
            let exact = try connection.execute("select (round(v, \(scale)) * 10 ^ \(scale))::int8 as v from (values (\(unescaped: values))) s(v)")
            #expect(fast == exact.rows.map { $0["v"].int64 ?? -1 }, "scale \(scale)")
        }
    }

    @Test func scaledNumericsEncodeExactly() throws {
        let connection = try PostgresConnection(PostgresConfiguration(connectionString: TestPostgres.makeDatabase(prefix: "numenc").connectionString))
        let cases: [(Int64, Int)] = [(0, 2), (1, 2), (-1, 2), (1999, 2), (100_000_000, 2), (Int64.max, 2), (Int64.min + 1, 4),
                                     (123_456_789, 8), (5, 0), (10_000, 0), (-70_000, 3), (1, 16)]
        try connection.simpleQuery("create table m (id int4, v numeric)")
        try connection.copyIn("copy m from stdin (format binary)", rows: cases.enumerated()) { encoder, item in
            encoder.beginRow(fieldCount: 2)
            encoder.write(Int32(item.offset))
            encoder.writeNumeric(scaled: item.element.0, scale: item.element.1)
        }
        let texts = try connection.execute("select v::text as v from m order by id").rows.map { $0["v"].string ?? "" }
        let expected = cases.map { PostgresNumeric(scaled: $0.0, scale: $0.1).description }
        #expect(texts == expected)
        #expect(texts[3] == "19.99")
        #expect(texts[5] == "92233720368547758.07")
        #expect(texts[11] == "0.0000000000000001")
    }

    @Test func copyInFailureAbortsAndReportsTheServerError() throws {
        let connection = try PostgresConnection(PostgresConfiguration(connectionString: TestPostgres.makeDatabase(prefix: "copyfail").connectionString))
        try connection.simpleQuery("create table strict (id int8 not null)")
        let error = try #require(throws: PostgresError.self) {
            try connection.copyIn("copy strict from stdin (format binary)", rows: [Int64?.some(1), nil]) { encoder, value in
                encoder.beginRow(fieldCount: 1)
                encoder.write(value)
            }
        }
        #expect(error.sqlState == "23502")
        #expect(try connection.execute("select count(*) as n from strict")[0]["n"].int == 0)
    }

    @Test func copyInAbortedByTheCallerLoadsNothing() throws {
        struct Stop: Error {}
        let connection = try PostgresConnection(PostgresConfiguration(connectionString: TestPostgres.makeDatabase(prefix: "copyabort").connectionString))
        try connection.simpleQuery("create table t (id int8)")
        #expect(throws: Stop.self) {
            try connection.copyIn("copy t from stdin (format binary)", rows: 0..<10_000) { encoder, value in
                if value == 5_000 { throw Stop() }
                encoder.beginRow(fieldCount: 1)
                encoder.write(Int64(value))
            }
        }
        #expect(try connection.execute("select count(*) as n from t")[0]["n"].int == 0)
    }

    @Test func throwingFromCopyOutStopsTheStreamAndKeepsTheConnection() throws {
        struct Enough: Error {}
        let connection = try PostgresConnection(PostgresConfiguration(connectionString: TestPostgres.makeDatabase(prefix: "copystop").connectionString))
        var seen = 0
        #expect(throws: Enough.self) {
            try connection.copyOut("copy (select g from generate_series(1, 2000000) g) to stdout (format binary)") { _ in
                seen += 1
                if seen == 100 { throw Enough() }
            }
        }
        #expect(seen == 100)
        #expect(try connection.execute("select 3 as three")[0]["three"].int == 3)
    }

    @Test func wrongColumnSizeIsADecodingErrorNotGarbage() throws {
        let connection = try PostgresConnection(PostgresConfiguration(connectionString: TestPostgres.makeDatabase(prefix: "copysize").connectionString))
        let error = try #require(throws: PostgresError.self) {
            try connection.copyOut("copy (select 'abc'::text) to stdout (format binary)") { row in
                _ = try row.int64(0)
            }
        }
        #expect(error.code == .decoding)
    }

    @Test func copyOutRejectsTextFormat() throws {
        let connection = try PostgresConnection(PostgresConfiguration(connectionString: TestPostgres.makeDatabase(prefix: "copytext").connectionString))
        let error = try #require(throws: PostgresError.self) {
            try connection.copyOut("copy (select 1) to stdout") { _ in }
        }
        #expect(error.code == .decoding)
    }
}
