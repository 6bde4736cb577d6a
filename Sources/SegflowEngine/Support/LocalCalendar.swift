import Foundation
import PostgresClient

/// Local days in the pipeline's timezone, fast enough for tens of millions of events.
///
/// Foundation's per-instant offset lookup is far too slow for every event, so the UTC
/// offsets are read once over the data's span (the DST transitions) and looked up by
/// binary search.
package struct LocalCalendar: Sendable {
    let timeZone: TimeZone
    /// Instants (µs since 2000) from which `offsets[i]` seconds apply, ascending.
    private let transitions: [Int64]
    private let offsets: [Int64]

    static let microsecondsPerDay = PostgresTimestamp.microsecondsPerDay

    package init(timeZone: TimeZone, fromYear: Int = 1990, toYear: Int = 2060) {
        self.timeZone = timeZone
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? timeZone
        let start = calendar.date(from: DateComponents(year: fromYear, month: 1, day: 1)) ?? Date(timeIntervalSince1970: 0)
        let end = calendar.date(from: DateComponents(year: toYear, month: 1, day: 1)) ?? Date()
        var transitions: [Int64] = [Int64.min]
        var offsets: [Int64] = [Int64(timeZone.secondsFromGMT(for: start))]
        var cursor = start
        while let next = timeZone.nextDaylightSavingTimeTransition(after: cursor), next < end {
            transitions.append(Self.micros(next))
            offsets.append(Int64(timeZone.secondsFromGMT(for: next)))
            cursor = next
        }
        self.transitions = transitions
        self.offsets = offsets
    }

    private static func micros(_ date: Date) -> Int64 {
        Int64(((date.timeIntervalSince1970 - Double(PostgresTimestamp.unixEpochOffsetSeconds)) * 1e6).rounded())
    }

    /// Seconds east of UTC at an instant.
    @inline(__always)
    func offsetSeconds(at micros: Int64) -> Int64 {
        var low = 0, high = transitions.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if transitions[middle] <= micros { low = middle } else { high = middle - 1 }
        }
        return offsets[low]
    }

    /// The local calendar day of an instant, as days since 1970-01-01.
    @inline(__always)
    func localDay(_ micros: Int64) -> Int32 {
        let local = micros + offsetSeconds(at: micros) * 1_000_000
        let day = local >= 0 ? local / Self.microsecondsPerDay : (local - Self.microsecondsPerDay + 1) / Self.microsecondsPerDay
        return Int32(day) + PostgresDate.unixEpochOffsetDays
    }

    /// The first instant of a local day (days since 1970), in µs since 2000.
    func startOfDay(_ day: Int32) -> Int64 {
        let midnightUTC = Int64(day - PostgresDate.unixEpochOffsetDays) * Self.microsecondsPerDay
        // The offset at local midnight: try the offset in force around then, then check.
        var guess = midnightUTC - offsetSeconds(at: midnightUTC) * 1_000_000
        let corrected = midnightUTC - offsetSeconds(at: guess) * 1_000_000
        if localDay(corrected) == day { guess = corrected }
        // A zone whose midnight does not exist (DST at 00:00): the day starts at its first instant.
        while localDay(guess - 1) == day { guess -= 3_600_000_000 }
        while localDay(guess) < day { guess += 60_000_000 }
        return guess
    }

    /// The snapshot cut-off for an as-of day: the first instant of the next local day.
    package func cutoff(asOf day: PostgresDate) -> PostgresTimestamp {
        PostgresTimestamp(microsecondsSince2000: startOfDay(day.daysSince1970 + 1))
    }
}
