import PostgresClient

/// The as-of days a backfill builds: every day, week or month from `from` to `to`, both
/// included when they fall on the step.
///
/// Months keep the day of the month of `from`, clamped to shorter months; a `from` on the
/// last day of its month steps through month ends (2025-01-31, 2025-02-28, 2025-03-31, …).
public struct BackfillPlan: Sendable, Equatable {
    public enum Step: String, Sendable, CaseIterable {
        case day, week, month
    }

    public var from: PostgresDate
    public var to: PostgresDate
    public var every: Step
    /// The as-of days, oldest first.
    public var days: [PostgresDate]

    public init(from: PostgresDate, to: PostgresDate, every: Step) throws {
        guard from <= to else { throw BackfillPlanError(problem: "--from \(from) is after --to \(to)") }
        self.from = from
        self.to = to
        self.every = every
        var days: [PostgresDate] = []
        switch every {
        case .day, .week:
            let step = every == .day ? 1 : 7
            var day = from
            while day <= to {
                days.append(day)
                day = day.adding(days: step)
            }
        case .month:
            let start = from.components
            let monthEnds = Self.lastDay(year: start.year, month: start.month) == start.day
            var (year, month) = (start.year, start.month)
            while true {
                let last = Self.lastDay(year: year, month: month)
                guard let day = PostgresDate(year: year, month: month, day: monthEnds ? last : min(start.day, last)),
                      day <= to else { break }
                days.append(day)
                (year, month) = month == 12 ? (year + 1, 1) : (year, month + 1)
            }
        }
        self.days = days
    }

    /// Splits the plan into extraction batches of at most `size` days. Batches are cut from
    /// the whole plan, not from what is left to do, so a resumed backfill extracts with the
    /// same latest cut-offs as an uninterrupted one.
    public func batches(of size: Int) -> [[PostgresDate]] {
        let size = max(1, size)
        return stride(from: 0, to: days.count, by: size).map { Array(days[$0..<min($0 + size, days.count)]) }
    }

    static func lastDay(year: Int, month: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

/// A backfill range that makes no sense.
public struct BackfillPlanError: SegflowError {
    public var code: SegflowErrorCode { .invalidBackfillRange }
    public var problem: String
    public var description: String { problem }
}
