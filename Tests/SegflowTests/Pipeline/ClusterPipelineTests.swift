import Foundation
import Testing
import SegflowClusters
import SegflowTestSupport
@testable import SegflowEngine
@testable import SegflowPipelineFile
@testable import SegflowRules

/// The `clusters:` segmentation kind: reading, validation at file:line:column, the config
/// hash, and assignment through `SegmentAssigner`.
@Suite struct ClusterPipelineTests {
    private func issues(_ yaml: String) -> [String] {
        do {
            _ = try PipelineConfiguration.parse(yaml: yaml, file: "pipelines/x.yml")
            return []
        } catch {
            return error.issues.map(\.description)
        }
    }

    private static func file(clusters: String, extra: String = "") -> String {
        """
        version: 1
        name: t
        timezone: UTC
        base_currency: EUR
        segmentations:
          - key: main
            primary: true
            segments:
              - { key: rest, rule: "true" }
          - key: behaviour
            name: Behaviour clusters
            description: Found in the data.
        \(extra)    clusters:
        \(clusters)
        """
    }

    static let validClusters = """
              features:
                - { feature: frequency, transform: log1p }
                - { feature: monetary, transform: log1p, high: big spenders }
                - recency_days
                - { feature: discounted_order_share, standardise: false }
              k: { min: 3, max: 8 }
              seed: 42
              sample: 5000
              missing: zero
              rule: "frequency >= 1"
        """

    @Test func aClustersSegmentationIsRead() throws {
        let configuration = try PipelineConfiguration.parse(yaml: Self.file(clusters: Self.validClusters))
        let segmentation = configuration.segmentations[1]
        #expect(!segmentation.isPrimary)
        guard case .clusters(let clusters) = segmentation.kind else {
            Issue.record("expected clusters")
            return
        }
        #expect(clusters.features == [.frequency, .monetary, .recencyDays, .discountedOrderShare])
        #expect(clusters.settings.features.map(\.transform) == [.log1p, .log1p, .none, .none])
        #expect(clusters.settings.features.map(\.standardise) == [true, true, true, false])
        #expect(clusters.settings.features.map(\.highLabel) == ["frequent", "big spenders", "lapsed", "deal seekers"])
        #expect(clusters.settings.count == .range(3...8))
        #expect(clusters.settings.seed == 42 && clusters.settings.sample == 5000 && clusters.settings.missing == .zero)
        #expect(clusters.rule?.source == "frequency >= 1")
        #expect(configuration.clusterConfigHashes == ["behaviour": clusters.configHash])
        #expect(configuration.canonicalRendering.contains("segmentations[1].clusters.k=\"3..8\""))
    }

    @Test func labelsChangeThePipelineHashButNotTheClustersHash() throws {
        let base = try PipelineConfiguration.parse(yaml: Self.file(clusters: Self.validClusters))
        let relabelled = try PipelineConfiguration.parse(yaml: Self.file(
            clusters: Self.validClusters.replacingOccurrences(of: "big spenders", with: "whales")))
        let reseeded = try PipelineConfiguration.parse(yaml: Self.file(
            clusters: Self.validClusters.replacingOccurrences(of: "seed: 42", with: "seed: 43")))
        #expect(base.configHash != relabelled.configHash)
        #expect(base.clusterConfigHashes == relabelled.clusterConfigHashes)
        #expect(base.configHash != reseeded.configHash)
        #expect(base.clusterConfigHashes != reseeded.clusterConfigHashes)
    }

    @Test func mistakesAreReportedAtTheirPosition() {
        let clusters = """
              features:
                - { feature: frequncy, transform: log1p }
                - country
                - { feature: aov, transform: sqrt }
                - aov
              k: { min: 6, max: 3 }
              sample: 10
              missing: median
              colour: blue
        """
        // The second 'aov' is no duplicate: the first one's transform was rejected.
        #expect(issues(Self.file(clusters: clusters)) == [
            "pipelines/x.yml:15:22: unknown feature 'frequncy' (did you mean 'frequency'?)",
            "pipelines/x.yml:16:11: cluster feature 'country' is text; clusters need numbers (integer, real, money, date or boolean features)",
            "pipelines/x.yml:17:38: transform 'sqrt' must be one of none, log1p",
            "pipelines/x.yml:19:25: k max (3) is below k min (6)",
            "pipelines/x.yml:20:15: sample must be between 100 and 20000 (the silhouette costs sample² distances)",
            "pipelines/x.yml:21:16: missing 'median' must be one of zero, mean, exclude (did you mean 'mean'?)",
            "pipelines/x.yml:22:7: unknown key 'colour' in clusters of segmentation 'behaviour'",
        ])
        let duplicated = Self.file(clusters: """
              features: [aov, frequency, aov]
              k: 3
        """)
        #expect(issues(duplicated) == ["pipelines/x.yml:14:34: feature 'aov' is listed twice (first at line 14, column 18)"])
    }

    @Test func clustersCannotBePrimaryOrMixedWithSegments() {
        let yaml = Self.file(clusters: """
              features: [frequency, monetary]
              k: 60
        """, extra: "    primary: true\n    segments: [{ key: x, rule: \"true\" }]\n")
        let found = issues(yaml)
        #expect(found.contains("pipelines/x.yml:10:5: segmentation 'behaviour' has both 'segments' and 'clusters'; give one"))
        #expect(found.contains { $0.contains("exactly one segmentation may be primary") })
        let alone = Self.file(clusters: """
              features: [frequency, monetary]
              k: 60
        """, extra: "    primary: true\n")
        #expect(issues(alone).contains { $0.hasPrefix("pipelines/x.yml:13:5: the primary segmentation must list segments with rules, not be clusters") })
        #expect(issues(alone).contains("pipelines/x.yml:16:10: k must be between 2 and 50"))
    }

    @Test func theAssignerPublishesClustersAsSegments() throws {
        // Three groups of buyers, and non-buyers that the rule leaves out.
        var rows: [[String: Value]] = []
        for group in 0..<3 {
            for index in 0..<200 {
                let jitter = Double(index % 10) / 10
                rows.append(["frequency": .number([1, 4, 12][group] + jitter), "monetary": .number([30, 400, 3000][group] * (1 + jitter / 5))])
            }
        }
        for _ in 0..<50 { rows.append(["frequency": .number(0)]) }
        let columns = FeatureTableBuilder(rows: rows).columns
        let configuration = try PipelineConfiguration.parse(yaml: Self.file(clusters: """
              features: [{ feature: frequency, transform: log1p }, { feature: monetary, transform: log1p }]
              k: { min: 2, max: 5 }
              seed: 1
              rule: "frequency >= 1"
        """))
        let one = SegmentAssigner(configuration: configuration, workerCount: 1).assign(columns: columns, asOf: 20_000)
        let two = SegmentAssigner(configuration: configuration, workerCount: 2).assign(columns: columns, asOf: 20_000)
        let result = try #require(one.segmentation("behaviour"))
        #expect(result.memberships == two.segmentation("behaviour")?.memberships)
        #expect(result.segments.map(\.key) == ["behaviour:cluster_1", "behaviour:cluster_2", "behaviour:cluster_3"])
        #expect(result.sizes == [200, 200, 200])
        #expect(result.membershipCount == 600)  // the 50 non-buyers have no cluster
        #expect(Set(result.segments.map(\.name)) == ["frequent, high spend", "low spend, infrequent", "average"])
        let outcome = try #require(one.clusters.first)
        #expect(outcome.fit.k == 3 && outcome.fit.clustered == 600)
        #expect(outcome.segmentKeys == result.segments.map(\.key))
        // The same rows of a group share one cluster.
        for group in 0..<3 {
            #expect(Set((group * 200..<(group + 1) * 200).flatMap { result.segmentKeys(row: $0) }).count == 1)
        }
    }
}
