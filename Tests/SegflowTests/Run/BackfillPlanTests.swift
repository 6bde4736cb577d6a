import PostgresClient
import Testing
@testable import Segflow

@Suite struct BackfillPlanTests {
    func day(_ text: String) -> PostgresDate { PostgresDate(iso: text) ?? PostgresDate(daysSince2000: 0) }

    @Test func monthlyFromAMonthEndStepsThroughMonthEnds() throws {
        let plan = try BackfillPlan(from: day("2024-01-31"), to: day("2024-05-31"), every: .month)
        #expect(plan.days.map(\.description) == ["2024-01-31", "2024-02-29", "2024-03-31", "2024-04-30", "2024-05-31"])
    }

    @Test func monthlyKeepsTheDayOfTheMonthClampedToShortMonths() throws {
        let plan = try BackfillPlan(from: day("2025-01-30"), to: day("2025-04-15"), every: .month)
        #expect(plan.days.map(\.description) == ["2025-01-30", "2025-02-28", "2025-03-30"])
    }

    @Test func weeklyAndDailyIncludeBothEndsWhenOnAStep() throws {
        #expect(try BackfillPlan(from: day("2026-06-01"), to: day("2026-06-15"), every: .week).days.map(\.description)
            == ["2026-06-01", "2026-06-08", "2026-06-15"])
        #expect(try BackfillPlan(from: day("2026-06-29"), to: day("2026-07-01"), every: .day).days.count == 3)
    }

    @Test func aReversedRangeIsRejected() {
        #expect(throws: BackfillPlanError.self) { try BackfillPlan(from: day("2026-06-02"), to: day("2026-06-01"), every: .day) }
    }

    @Test func batchesAreCutFromTheWholePlan() throws {
        let plan = try BackfillPlan(from: day("2026-01-01"), to: day("2026-01-05"), every: .day)
        #expect(plan.batches(of: 2).map { $0.map(\.description) }
            == [["2026-01-01", "2026-01-02"], ["2026-01-03", "2026-01-04"], ["2026-01-05"]])
    }
}
