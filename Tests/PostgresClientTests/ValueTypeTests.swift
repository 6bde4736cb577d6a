import PostgresClient
import Testing

@Suite struct ValueTypeTests {
    @Test func datesConvertBetweenCivilAndDayNumbers() {
        #expect(PostgresDate(year: 2000, month: 1, day: 1)?.daysSince2000 == 0)
        #expect(PostgresDate(year: 1970, month: 1, day: 1)?.daysSince1970 == 0)
        #expect(PostgresDate(year: 2024, month: 2, day: 29)?.description == "2024-02-29")
        #expect(PostgresDate(year: 2023, month: 2, day: 29) == nil)
        #expect(PostgresDate(iso: "2026-11-22")?.adding(days: 10).description == "2026-12-02")
        #expect(PostgresDate(iso: "2026-11-23")?.weekday == 0)
        #expect(PostgresDate(iso: "2026-13-01") == nil)
    }

    @Test func timestampsParseISOWithOffsetsAndFractions() {
        let utc = PostgresTimestamp(iso: "2024-03-01 12:00:00+00")
        #expect(PostgresTimestamp(iso: "2024-03-01 14:30:00+02:30") == utc)
        #expect(PostgresTimestamp(iso: "2024-03-01T07:00:00-05") == utc)
        #expect(PostgresTimestamp(iso: "2024-03-01 12:00:00.5+00")?.microsecondsSince2000 == (utc?.microsecondsSince2000 ?? 0) + 500_000)
        #expect(utc?.description == "2024-03-01 12:00:00+00")
        #expect(PostgresTimestamp(iso: "yesterday") == nil)
        #expect(PostgresTimestamp(microsecondsSince2000: -1).utcDate.description == "1999-12-31")
    }

    @Test func numericsParseAndPrintExactly() {
        for text in ["0", "1.50", "-123456789.000001", "0.0001", "10000.0000", "NaN"] {
            #expect(PostgresNumeric(text)?.description == text)
        }
        #expect(PostgresNumeric("12a") == nil)
        #expect(PostgresNumeric("-") == nil)
        #expect(PostgresNumeric(scaled: -1999, scale: 2).description == "-19.99")
        #expect(PostgresNumeric("19.995")?.scaled(to: 2) == 2000)
        #expect(PostgresNumeric("-19.995")?.scaled(to: 2) == -2000)
        #expect(PostgresNumeric("2.5")?.doubleValue == 2.5)
    }
}
