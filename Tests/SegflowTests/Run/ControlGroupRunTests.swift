import PostgresClient
import SegflowTestSupport
import Testing
@testable import Segflow
@testable import SegflowRules

/// Control groups through a real `run` against PostgreSQL: the default pipeline with a
/// `control_share` on every segment of its primary segmentation, published and read back.
@Suite struct ControlGroupRunTests {
    func day(_ text: String) -> PostgresDate { PostgresDate(iso: text) ?? PostgresDate(daysSince2000: 0) }

    @Test func controlMembersArePublishedAndKeepTheirFlagFromOneDayToTheNext() throws {
        let store = try RunTestStore.make("control_run", customers: 1_500, seed: 6)
        var pipeline = try RunTestStore.pipeline()
        let primary = try #require(pipeline.segmentations.firstIndex { $0.isPrimary })
        guard case .segments(var segments) = pipeline.segmentations[primary].kind else {
            Issue.record("the default primary segmentation lists segments")
            return
        }
        let plainHash = pipeline.configHash
        for index in segments.indices { segments[index].control = ControlGroup(share: 0.2, salt: "run-test") }
        pipeline.segmentations[primary].kind = .segments(segments)
        #expect(pipeline.configHash != plainHash)
        let segmentation = pipeline.segmentations[primary].key

        let plan = try BackfillPlan(from: day("2026-06-29"), to: day("2026-06-30"), every: .day)
        let report = try BackfillRunner(runner: store.runner(pipeline)).run(plan)
        #expect(report.published.count == 2)

        // Every primary membership's flag is the documented hash; other segmentations have none.
        let rows = try store.rows("""
            select customer_id::text, segment_key, is_control::text from segflow.customer_segments
            where segmentation_key = '\(segmentation)'
            """)
        // Exclusive with a catch-all: one primary membership per customer and day.
        #expect(rows.count == (try store.count("select count(*) from segflow.customer_features")))
        let group = ControlGroup(share: 0.2, salt: "run-test")
        var controlled = 0
        for row in rows {
            let expected = group.isControl(customerID: Int64(row[0] ?? "") ?? 0,
                                           seed: group.seed(segmentationKey: segmentation, segmentKey: row[1] ?? ""))
            #expect(row[2] == String(expected), "\(row)")
            if expected { controlled += 1 }
        }
        let n = Double(rows.count)
        #expect(abs(Double(controlled) - 0.2 * n) <= 4 * (n * 0.2 * 0.8).squareRoot(), "\(controlled) of \(rows.count)")
        #expect(try store.count("select count(*) from segflow.customer_segments where is_control and segmentation_key <> '\(segmentation)'") == 0)

        // A customer in the same segment on both days keeps the flag.
        #expect(try store.count("""
            select count(*) from segflow.customer_segments a join segflow.customer_segments b using (customer_id, segmentation_key, segment_key)
            where a.as_of = '2026-06-29' and b.as_of = '2026-06-30' and a.is_control <> b.is_control
            """) == 0)
        // segment_kpis counts them.
        #expect(try store.count("select sum(control_members) from segflow.segment_kpis where segmentation_key = '\(segmentation)'") == controlled)
        #expect(try store.count("select count(*) from segflow.current_customer_segments where is_control") > 0)
    }
}
