/// A calendar day as PostgreSQL stores it: days since 2000-01-01.
///
/// Kept as a plain integer so that date arithmetic in hot loops costs nothing.
public struct PostgresDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var daysSince2000: Int32

    /// Days between 1970-01-01 and 2000-01-01.
    public static let unixEpochOffsetDays: Int32 = 10_957

    public init(daysSince2000: Int32) {
        self.daysSince2000 = daysSince2000
    }

    /// Saturates at `-infinity` (a day before PostgreSQL's range cannot be written anyway).
    public init(daysSince1970: Int32) {
        self.daysSince2000 = daysSince1970 >= Int32.min + Self.unixEpochOffsetDays ? daysSince1970 - Self.unixEpochOffsetDays : .min
    }

    /// PostgreSQL's `infinity` and `-infinity` (DATEVAL_NOEND, DATEVAL_NOBEGIN).
    public static let infinity = PostgresDate(daysSince2000: .max)
    public static let negativeInfinity = PostgresDate(daysSince2000: .min)

    public var isFinite: Bool { daysSince2000 != .max && daysSince2000 != .min }

    /// A proleptic Gregorian day; nil if the month or day is out of range.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= Self.daysInMonth(year: year, month: month) else { return nil }
        self.daysSince2000 = Int32(Self.daysFromCivil(year: year, month: month, day: day)) - Self.unixEpochOffsetDays
    }

    /// Parses `YYYY-MM-DD`.
    public init?(iso string: some StringProtocol) {
        let parts = string.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]) else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// Saturates at Int32.max: `infinity` stays the greatest day (finite days always fit).
    public var daysSince1970: Int32 {
        daysSince2000 <= Int32.max - Self.unixEpochOffsetDays ? daysSince2000 + Self.unixEpochOffsetDays : .max
    }

    public var components: (year: Int, month: Int, day: Int) {
        Self.civilFromDays(Int(daysSince1970))
    }

    /// ISO 8601 day, `YYYY-MM-DD`.
    public var description: String {
        if daysSince2000 == .max { return "infinity" }
        if daysSince2000 == .min { return "-infinity" }
        let (year, month, day) = components
        return "\(Self.pad(year, 4))-\(Self.pad(month, 2))-\(Self.pad(day, 2))"
    }

    public func adding(days: Int) -> PostgresDate {
        PostgresDate(daysSince2000: daysSince2000 + Int32(days))
    }

    public static func < (lhs: PostgresDate, rhs: PostgresDate) -> Bool {
        lhs.daysSince2000 < rhs.daysSince2000
    }

    /// Day of the week, 0 = Monday … 6 = Sunday.
    public var weekday: Int {
        // 1970-01-01 was a Thursday (3).
        let value = (Int(daysSince1970) + 3) % 7
        return value < 0 ? value + 7 : value
    }

    static func isLeap(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's days_from_civil / civil_from_days: exact for the proleptic Gregorian calendar.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(abs(value))
        let padded = digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
        return value < 0 ? "-" + padded : padded
    }
}
