import Foundation
import PostgresClient
import SegflowTestSupport
import Testing
@testable import Segflow
@testable import SegflowCLI

/// The default pipeline's clusters segmentation, run against a real PostgreSQL: profiles and
/// memberships published with the snapshot, and ids that stay put from one day to the next.
@Suite struct ClusterRunTests {
    func day(_ text: String) -> PostgresDate { PostgresDate(iso: text) ?? PostgresDate(daysSince2000: 0) }

    @Test func aRunPublishesClusterProfilesAndMemberships() throws {
        let store = try RunTestStore.make("clusters_run", customers: 1_500, seed: 3)
        let pipeline = try RunTestStore.pipeline()
        let report = try store.runner(pipeline).run(asOf: day("2026-06-30"))

        let profiles = try store.rows("""
            select cluster_id::text, segment_key, name, size::text, k::text, clustered::text, warm_start::text,
                   jsonb_array_length(features)::text, converged::text, (silhouette between -1 and 1)::text
            from segflow.cluster_profiles where segmentation_key = 'behaviour_clusters' order by cluster_id
            """)
        let k = profiles.count
        #expect((3...8).contains(k))
        #expect(profiles.map { $0[0] } == (1...k).map { String($0) })
        #expect(profiles.allSatisfy { $0[1] == "behaviour_clusters:cluster_\($0[0] ?? "")" && $0[4] == String(k) })
        #expect(profiles.allSatisfy { $0[6] == "false" && $0[7] == "6" && $0[8] == "true" && $0[9] == "true" })
        // Every buyer is in exactly one cluster; non-buyers in none.
        let buyers = try store.count("select count(*) from segflow.customer_features where frequency >= 1")
        #expect(buyers > 100)
        #expect(profiles.allSatisfy { $0[5] == String(buyers) })
        #expect(profiles.compactMap { $0[3].flatMap(Int.init) }.reduce(0, +) == buyers)
        #expect(try store.count("""
            select count(*) from segflow.customer_segments s join segflow.customer_features f using (as_of, customer_id)
            where s.segmentation_key = 'behaviour_clusters' and f.frequency >= 1
            """) == buyers)
        #expect(try store.count("""
            select count(*) from (select customer_id from segflow.customer_segments where segmentation_key = 'behaviour_clusters'
                                  group by customer_id having count(*) > 1) x
            """) == 0)
        // Sizes agree with the memberships, names with the segment definitions.
        #expect(try store.count("""
            select count(*) from segflow.cluster_profiles p
            left join (select segment_key, count(*) as members from segflow.customer_segments
                       where segmentation_key = 'behaviour_clusters' group by segment_key) m using (segment_key)
            join segflow.segment_definitions d on (d.as_of, d.segmentation_key, d.segment_key) = (p.as_of, p.segmentation_key, p.segment_key)
            where p.size = coalesce(m.members, 0) and d.name = p.name and d.position = p.cluster_id
            """) == k)
        // The z-scores of a feature, weighted by size, average to 0 (they are centroids in the standardised space).
        let weighted = try store.rows("""
            select f.value ->> 'feature', sum(p.share * (f.value ->> 'z_score')::float8)::text
            from segflow.cluster_profiles p, jsonb_array_elements(p.features) f
            where f.value ->> 'standardised' = 'true' group by 1
            """)
        #expect(weighted.count == 6)
        for row in weighted { #expect(abs(Double(row[1] ?? "") ?? 1) < 1e-9, "\(row)") }
        // run's summary lists them, largest first.
        let summary = RunSummary(report: report).text.split(separator: "\n").map(String.init)
        let heading = try #require(summary.firstIndex { $0.hasPrefix("  clusters behaviour_clusters: k \(k) of \(buyers) customers, silhouette ") })
        #expect(summary[heading].hasSuffix(", fresh start:"))
        #expect(summary.count == heading + 1 + k)
        #expect(summary[heading + 1].hasPrefix("     1 \(profiles[0][2] ?? "")"))
        // The BI view reads them in long form.
        #expect(try store.count("select count(*) from segflow_bi.fct_cluster_features") == 6 * k)

        // Published again: replaced, not added to, and the same clusters (no warm start from itself).
        let before = try store.rows("select cluster_id, name, size, features::text from segflow.cluster_profiles order by 1")
        _ = try store.runner(pipeline).run(asOf: day("2026-06-30"))  // run always republishes its day
        #expect(try store.rows("select cluster_id, name, size, features::text from segflow.cluster_profiles order by 1") == before)
    }

    @Test func idsStayStableAcrossTwoCloseSnapshots() throws {
        let store = try RunTestStore.make("clusters_stable", customers: 1_500, seed: 4)
        let pipeline = try RunTestStore.pipeline()
        let plan = try BackfillPlan(from: day("2026-06-29"), to: day("2026-06-30"), every: .day)
        let report = try BackfillRunner(runner: store.runner(pipeline)).run(plan)
        #expect(report.published.count == 2)

        let rows = try store.rows("""
            select as_of::text, count(*)::text, bool_and(warm_start)::text, count(distinct config_hash)::text,
                   max(drift)::text, min(k)::text
            from segflow.cluster_profiles group by as_of order by as_of
            """)
        try #require(rows.count == 2)
        #expect(rows[0][2] == "false" && rows[1][2] == "true")  // the second day starts from the first
        #expect(rows[0][1] == rows[1][1])  // same k
        let table = try store.rows("""
            select as_of::text, cluster_id::text, name, size::text, round(drift::numeric, 3)::text, iterations::text,
                   (select string_agg((f ->> 'z_score'), ' ' order by n) from jsonb_array_elements(features) with ordinality x(f, n))
            from segflow.cluster_profiles order by cluster_id, as_of
            """)
        let described = table.map { $0.map { $0 ?? "-" }.joined(separator: " | ") }.joined(separator: "\n")
        print("behaviour_clusters of the two days (as_of | id | name | size | drift | iterations | z-scores):\n\(described)")
        // Each cluster of the second day sits nearest (z-scores) to the first day's cluster of the same id.
        func profile(_ asOf: String) -> [Int: [Double]] {
            Dictionary(uniqueKeysWithValues: table.filter { $0[0] == asOf }.map { row in
                (Int(row[1] ?? "") ?? -1, (row[6] ?? "").split(separator: " ").compactMap { Double(String($0)) })
            })
        }
        let (first, second) = (profile("2026-06-29"), profile("2026-06-30"))
        #expect(first.count == second.count && !first.isEmpty)
        func distance(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } }
        for (id, centroid) in second {
            let nearest = first.min { distance(centroid, $0.value) < distance(centroid, $1.value) }?.key
            #expect(nearest == id, "cluster \(id) is nearest to the previous cluster \(nearest ?? -1)\n\(described)")
        }
        #expect(try store.count("select count(distinct config_hash) from segflow.cluster_profiles") == 1)
        // Customers of both days keep their cluster: ids mean the same group.
        let kept = try store.rows("""
            select count(*) filter (where a.segment_key = b.segment_key)::text, count(*)::text
            from segflow.customer_segments a
            join segflow.customer_segments b on b.customer_id = a.customer_id and b.segmentation_key = a.segmentation_key
            where a.segmentation_key = 'behaviour_clusters' and a.as_of = '2026-06-29' and b.as_of = '2026-06-30'
            """)[0].compactMap { $0.flatMap(Int.init) }
        #expect(kept.count == 2 && kept[1] > 100)
        #expect(Double(kept[0]) >= 0.95 * Double(kept[1]), "\(kept[0]) of \(kept[1]) customers kept their cluster")
        // Every id keeps most of its previous members.
        let retention = try store.rows("""
            select a.segment_key, (count(*) filter (where a.segment_key = b.segment_key))::float8 / count(*)
            from segflow.customer_segments a
            join segflow.customer_segments b on b.customer_id = a.customer_id and b.segmentation_key = a.segmentation_key
            where a.segmentation_key = 'behaviour_clusters' and a.as_of = '2026-06-29' and b.as_of = '2026-06-30'
            group by a.segment_key
            """)
        #expect(retention.count == first.count)
        for row in retention { #expect((Double(row[1] ?? "") ?? 0) > 0.5, "\(row)\n\(described)") }
    }
}
