import Foundation
import PostgresClient
import Testing
@testable import SegflowEngine

@Suite struct LocalCalendarTests {
    let berlin = LocalCalendar(timeZone: TimeZone(identifier: "Europe/Berlin")!)

    func micros(_ iso: String) throws -> Int64 {
        try #require(PostgresTimestamp(iso: iso)).microsecondsSince2000
    }

    func day(_ iso: String) throws -> Int32 {
        try #require(PostgresDate(iso: iso)).daysSince1970
    }

    @Test func localDayFollowsTheZoneNotUTC() throws {
        // 23:30 UTC in summer is already the next day in Berlin (UTC+2).
        #expect(berlin.localDay(try micros("2024-06-30 21:59:59+00")) == (try day("2024-06-30")))
        #expect(berlin.localDay(try micros("2024-06-30 22:00:00+00")) == (try day("2024-07-01")))
        // In winter Berlin is UTC+1.
        #expect(berlin.localDay(try micros("2024-01-15 22:59:59+00")) == (try day("2024-01-15")))
        #expect(berlin.localDay(try micros("2024-01-15 23:00:00+00")) == (try day("2024-01-16")))
    }

    @Test func cutoffIsTheFirstInstantOfTheNextLocalDayAcrossDST() throws {
        let summer = berlin.cutoff(asOf: try #require(PostgresDate(iso: "2024-06-30")))
        #expect(summer == PostgresTimestamp(iso: "2024-06-30 22:00:00+00"))
        let winter = berlin.cutoff(asOf: try #require(PostgresDate(iso: "2024-12-31")))
        #expect(winter == PostgresTimestamp(iso: "2024-12-31 23:00:00+00"))
        // The day before the spring change ends at 23:00 UTC; the change day itself is 23 hours long.
        let beforeChange = berlin.cutoff(asOf: try #require(PostgresDate(iso: "2024-03-30")))
        let changeDay = berlin.cutoff(asOf: try #require(PostgresDate(iso: "2024-03-31")))
        #expect(beforeChange == PostgresTimestamp(iso: "2024-03-30 23:00:00+00"))
        #expect(changeDay.microsecondsSince2000 - beforeChange.microsecondsSince2000 == 23 * 3_600_000_000)
        // The autumn change day is 25 hours long.
        let autumn = berlin.cutoff(asOf: try #require(PostgresDate(iso: "2024-10-27")))
        let autumnBefore = berlin.cutoff(asOf: try #require(PostgresDate(iso: "2024-10-26")))
        #expect(autumn.microsecondsSince2000 - autumnBefore.microsecondsSince2000 == 25 * 3_600_000_000)
    }

    @Test func zonesWithoutDSTAndWithNegativeOffsetsWork() throws {
        let utc = LocalCalendar(timeZone: TimeZone(identifier: "UTC")!)
        #expect(utc.cutoff(asOf: try #require(PostgresDate(iso: "2026-06-30"))) == PostgresTimestamp(iso: "2026-07-01 00:00:00+00"))
        let newYork = LocalCalendar(timeZone: TimeZone(identifier: "America/New_York")!)
        #expect(newYork.localDay(try micros("2026-07-01 03:59:59+00")) == (try day("2026-06-30")))
        #expect(newYork.cutoff(asOf: try #require(PostgresDate(iso: "2026-06-30"))) == PostgresTimestamp(iso: "2026-07-01 04:00:00+00"))
    }

    @Test func moneyConversionRoundsHalfAwayFromZero() {
        // 1.005 EUR at rate 1 stays; 0.5 cent results round away from zero.
        #expect(FxTable.convert(cents: 1, rateE8: 50_000_000) == 1)       // 0.005 -> 0.01
        #expect(FxTable.convert(cents: -1, rateE8: 50_000_000) == -1)     // -0.005 -> -0.01
        #expect(FxTable.convert(cents: 1, rateE8: 49_999_999) == 0)
        #expect(FxTable.convert(cents: 10_000, rateE8: 108_765_432) == 10_877)
    }
}
