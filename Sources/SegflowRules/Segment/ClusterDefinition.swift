import SegflowClusters
import SegflowEngine

/// Segments found in the data: k-means clusters over numeric features (`clusters:` in the
/// pipeline file). Segment keys are `<segmentation key>:cluster_<id>`, names are generated
/// from each cluster's profile (docs/segments.md, "Clusters").
public struct ClusterDefinition: Sendable, Hashable {
    /// The numeric features, in the order of `settings.features` (same names).
    public var features: [FeatureKey]
    public var settings: ClusterSettings
    /// Only rows where this is true are clustered; the others get no cluster.
    public var rule: RuleExpression?

    public init(features: [FeatureKey], settings: ClusterSettings, rule: RuleExpression? = nil) {
        precondition(features.map(\.name) == settings.features.map(\.name), "features and settings disagree")
        self.features = features
        self.settings = settings
        self.rule = rule
    }

    /// Every setting that shapes the centroids, one `(name, value)` per line, in a fixed order.
    /// Labels are left out: they change names, not clusters.
    public var canonicalSettings: [(String, String)] {
        var lines: [(String, String)] = []
        for (index, feature) in settings.features.enumerated() {
            lines.append(("features[\(index)].feature", feature.name))
            lines.append(("features[\(index)].transform", feature.transform.rawValue))
            lines.append(("features[\(index)].standardise", String(feature.standardise)))
        }
        switch settings.count {
        case .fixed(let k): lines.append(("k", String(k)))
        case .range(let range): lines.append(("k", "\(range.lowerBound)..\(range.upperBound)"))
        }
        lines.append(("seed", String(settings.seed)))
        lines.append(("sample", String(settings.sample)))
        lines.append(("missing", settings.missing.rawValue))
        lines.append(("max_iterations", String(settings.maxIterations)))
        lines.append(("rule", rule?.description ?? ""))
        return lines
    }

    /// SHA-256 (hex) of `canonicalSettings`: stored with the published profiles; a snapshot
    /// starts from the previous snapshot's centroids only when this hash is the same.
    public var configHash: String {
        let text = canonicalSettings.map { name, value in
            "\(name)=\(value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n"))\n"
        }.joined()
        return SHA256.hex(Array(text.utf8))
    }

    /// The segment key of cluster `id` in segmentation `segmentationKey`.
    public static func segmentKey(segmentationKey: String, id: Int) -> String {
        "\(segmentationKey):cluster_\(id)"
    }
}
