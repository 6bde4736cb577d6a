import PostgresClient
import SegflowTestSupport
import Testing

/// PostgreSQL's special values come out of binary COPY as values, never a trap or an
/// undecodable field: ±infinity timestamps and dates print as PostgreSQL prints them,
/// numeric NaN/±Infinity and values beyond Int64 are `.unrepresentable` to `scaledNumeric`.
@Suite struct InfiniteValuesTests {
    @Test func specialValuesDecodeAndPrint() throws {
        let connection = try PostgresConnection(PostgresConfiguration(connectionString: TestPostgres.makeDatabase(prefix: "infinite").connectionString))
        defer { connection.close() }
        var seen = 0
        _ = try connection.copyOut("""
            copy (select 'infinity'::timestamptz, '-infinity'::timestamptz, 'infinity'::date, '-infinity'::date,
                         'Infinity'::numeric, '-Infinity'::numeric, 'NaN'::numeric, 1e30::numeric,
                         922337203685477.58::numeric, 922337203685477.59::numeric,
                         '294276-12-31 23:59:59.999999+00'::timestamptz, '4713-01-01 00:00:00+00 BC'::timestamptz,
                         '5874897-12-31'::date) to stdout (format binary)
            """) { (row: BinaryCopyRow) throws in
            seen += 1
            #expect(try row.timestamp(0)?.description == "infinity")
            #expect(try row.timestamp(1)?.description == "-infinity")
            #expect(try row.timestamp(0)?.isFinite == false)
            #expect(try row.date(2)?.description == "infinity")
            #expect(try row.date(3)?.description == "-infinity")
            #expect(try row.date(2)?.daysSince1970 == .max)
            #expect(try row.numeric(4)?.description == "Infinity")
            #expect(try row.numeric(5)?.description == "-Infinity")
            #expect(try row.numericDouble(5) == -.infinity)
            for field in 4...7 {
                #expect(try row.scaledNumeric(field, scale: 2) == .unrepresentable)
            }
            #expect(try row.scaledNumeric(8, scale: 2) == .exact(92_233_720_368_547_758))
            #expect(try row.scaledNumeric(9, scale: 2) == .unrepresentable)
            #expect(try row.timestamp(10)?.description == "294276-12-31 23:59:59.999999+00")
            #expect(try row.timestamp(11)?.description == "-4712-01-01 00:00:00+00")
            #expect(try row.date(12)?.description == "5874897-12-31")
        }
        #expect(seen == 1)
    }
}
