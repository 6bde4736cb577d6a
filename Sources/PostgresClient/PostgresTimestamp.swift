/// An instant as PostgreSQL's `timestamptz` stores it: microseconds since 2000-01-01 00:00 UTC.
public struct PostgresTimestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var microsecondsSince2000: Int64

    public static let microsecondsPerSecond: Int64 = 1_000_000
    public static let microsecondsPerDay: Int64 = 86_400_000_000
    /// Seconds between the Unix epoch and 2000-01-01.
    public static let unixEpochOffsetSeconds: Int64 = 946_684_800

    public init(microsecondsSince2000: Int64) {
        self.microsecondsSince2000 = microsecondsSince2000
    }

    /// PostgreSQL's `infinity` and `-infinity` (DT_NOEND, DT_NOBEGIN).
    public static let infinity = PostgresTimestamp(microsecondsSince2000: .max)
    public static let negativeInfinity = PostgresTimestamp(microsecondsSince2000: .min)

    /// Neither `infinity` nor `-infinity`: differences and local days of finite values
    /// cannot overflow (PostgreSQL's range is 4713 BC … 294276 AD).
    public var isFinite: Bool { microsecondsSince2000 != .max && microsecondsSince2000 != .min }

    public init(secondsSince1970: Int64) {
        self.microsecondsSince2000 = (secondsSince1970 - Self.unixEpochOffsetSeconds) * Self.microsecondsPerSecond
    }

    /// Midnight UTC of a day, plus an offset in seconds.
    public init(date: PostgresDate, secondsIntoDay: Int64 = 0) {
        self.microsecondsSince2000 = Int64(date.daysSince2000) * Self.microsecondsPerDay + secondsIntoDay * Self.microsecondsPerSecond
    }

    public var secondsSince1970: Double {
        Double(microsecondsSince2000) / 1e6 + Double(Self.unixEpochOffsetSeconds)
    }

    /// The UTC day this instant falls on.
    public var utcDate: PostgresDate {
        PostgresDate(daysSince2000: Int32(Self.floorDiv(microsecondsSince2000, Self.microsecondsPerDay)))
    }

    /// The local day at a fixed UTC offset (seconds east of UTC).
    public func date(utcOffsetSeconds: Int) -> PostgresDate {
        let (shifted, overflow) = microsecondsSince2000.addingReportingOverflow(Int64(utcOffsetSeconds) * Self.microsecondsPerSecond)
        if overflow { return utcDate }
        return PostgresDate(daysSince2000: Int32(Self.floorDiv(shifted, Self.microsecondsPerDay)))
    }

    public func adding(seconds: Int64) -> PostgresTimestamp {
        PostgresTimestamp(microsecondsSince2000: microsecondsSince2000 + seconds * Self.microsecondsPerSecond)
    }

    public static func < (lhs: PostgresTimestamp, rhs: PostgresTimestamp) -> Bool {
        lhs.microsecondsSince2000 < rhs.microsecondsSince2000
    }

    /// ISO 8601 in UTC with microseconds, as PostgreSQL accepts it: `2024-03-01 12:00:00.000001+00`.
    public var description: String {
        if microsecondsSince2000 == .max { return "infinity" }
        if microsecondsSince2000 == .min { return "-infinity" }
        let day = utcDate
        // The time of day by remainder, not by `day * µs per day`, which overflows near Int64.min.
        var micros = microsecondsSince2000 % Self.microsecondsPerDay
        if micros < 0 { micros += Self.microsecondsPerDay }
        let hour = micros / 3_600_000_000
        micros -= hour * 3_600_000_000
        let minute = micros / 60_000_000
        micros -= minute * 60_000_000
        let second = micros / 1_000_000
        micros -= second * 1_000_000
        var text = "\(day) \(PostgresDate.pad(Int(hour), 2)):\(PostgresDate.pad(Int(minute), 2)):\(PostgresDate.pad(Int(second), 2))"
        if micros != 0 { text += "." + PostgresDate.pad(Int(micros), 6) }
        return text + "+00"
    }

    /// Parses the ISO forms PostgreSQL prints with `DateStyle=ISO`:
    /// `YYYY-MM-DD HH:MM:SS[.ffffff][+HH[:MM]]` (a `T` separator is accepted too).
    public init?(iso string: String) {
        let bytes = Array(string.utf8)
        guard bytes.count >= 19, let date = PostgresDate(iso: string.prefix(10)),
              bytes[10] == UInt8(ascii: " ") || bytes[10] == UInt8(ascii: "T"),
              let hour = Self.number(bytes, 11, 2), bytes[13] == UInt8(ascii: ":"),
              let minute = Self.number(bytes, 14, 2), bytes[16] == UInt8(ascii: ":"),
              let second = Self.number(bytes, 17, 2) else { return nil }
        var index = 19
        var micros: Int64 = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var scale: Int64 = 100_000
            while index < bytes.count, let digit = Self.digit(bytes[index]) {
                micros += Int64(digit) * scale
                scale /= 10
                index += 1
            }
        }
        var offsetSeconds: Int64 = 0
        if index < bytes.count {
            let sign: Int64
            switch bytes[index] {
            case UInt8(ascii: "+"): sign = 1
            case UInt8(ascii: "-"): sign = -1
            case UInt8(ascii: "Z"): sign = 0
            default: return nil
            }
            if sign != 0 {
                guard let offsetHours = Self.number(bytes, index + 1, 2) else { return nil }
                var offsetMinutes = 0
                if index + 3 < bytes.count {
                    let minuteStart = bytes[index + 3] == UInt8(ascii: ":") ? index + 4 : index + 3
                    guard let value = Self.number(bytes, minuteStart, 2) else { return nil }
                    offsetMinutes = value
                }
                offsetSeconds = sign * Int64(offsetHours * 3600 + offsetMinutes * 60)
            }
        }
        let seconds = Int64(hour * 3600 + minute * 60 + second) - offsetSeconds
        self.init(microsecondsSince2000: Int64(date.daysSince2000) * Self.microsecondsPerDay + seconds * Self.microsecondsPerSecond + micros)
    }

    private static func digit(_ byte: UInt8) -> Int? {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? Int(byte - UInt8(ascii: "0")) : nil
    }

    private static func number(_ bytes: [UInt8], _ start: Int, _ length: Int) -> Int? {
        guard start + length <= bytes.count else { return nil }
        var value = 0
        for index in start..<(start + length) {
            guard let digit = digit(bytes[index]) else { return nil }
            value = value * 10 + digit
        }
        return value
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let quotient = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? quotient - 1 : quotient
    }
}
