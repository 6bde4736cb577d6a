import SegflowClusters
import SegflowEngine
import SegflowRules
import Yams

extension PipelineFileReader {
    private static let clustersKeys = ["features", "k", "seed", "sample", "missing", "max_iterations", "rule"]
    private static let clusterFeatureKeys = ["feature", "transform", "standardise", "high", "low"]
    /// Bounds that keep a run's cost reasonable: silhouette is quadratic in the sample.
    static let clusterKRange = 2...50
    static let clusterSampleRange = 100...20_000
    static let clusterIterationRange = 1...10_000

    /// The `clusters:` block of a segmentation (docs/pipeline-file.md, "Clusters").
    mutating func readClusters(_ node: Node, label: String) -> ClusterDefinition? {
        guard let fields = entries(node, allowed: Self.clustersKeys, what: "clusters of \(label)") else { return nil }
        var complete = true
        var features: [FeatureKey] = []
        var settingsFeatures: [ClusterFeature] = []
        if let list = fields["features"]?.value {
            if let items = list.sequence, !items.isEmpty {
                var seen: [FeatureKey: Mark?] = [:]
                for item in items {
                    guard let (key, feature) = readClusterFeature(item) else {
                        complete = false
                        continue
                    }
                    if let first = seen[key] {
                        issue("feature '\(key.name)' is listed twice\(first.map { " (first at line \($0.line), column \($0.column))" } ?? "")",
                              at: item, code: "duplicate_key")
                        complete = false
                        continue
                    }
                    seen[key] = item.mark
                    features.append(key)
                    settingsFeatures.append(feature)
                }
            } else {
                issue("'features' of \(label) must be a non-empty list of numeric features", at: list, code: "wrong_type")
                complete = false
            }
        } else {
            issue("clusters of \(label) is missing 'features'", at: node, code: "missing_key")
            complete = false
        }

        var count: ClusterSettings.Count?
        if let kNode = fields["k"]?.value {
            count = readClusterCount(kNode)
        } else {
            issue("clusters of \(label) is missing 'k' (a number like 5, or a range like { min: 3, max: 8 })",
                  at: node, code: "missing_key")
        }
        var settings = ClusterSettings(features: settingsFeatures, count: count ?? .fixed(2))
        if let seedNode = fields["seed"]?.value, let seed = int(seedNode, "seed") {
            if seed >= 0 { settings.seed = UInt64(seed) } else { issue("seed must not be negative", at: seedNode) }
        }
        if let sampleNode = fields["sample"]?.value, let sample = int(sampleNode, "sample") {
            if Self.clusterSampleRange.contains(sample) {
                settings.sample = sample
            } else {
                issue("sample must be between \(Self.clusterSampleRange.lowerBound) and \(Self.clusterSampleRange.upperBound) "
                    + "(the silhouette costs sample² distances)", at: sampleNode)
            }
        }
        if let missingNode = fields["missing"]?.value, let name = string(missingNode, "missing") {
            if let missing = MissingValues(rawValue: name) {
                settings.missing = missing
            } else {
                let known = MissingValues.allCases.map(\.rawValue)
                issue("missing '\(name)' must be one of \(known.joined(separator: ", "))"
                    + NameSuggester.hint(for: name, among: known), at: missingNode)
            }
        }
        if let iterationsNode = fields["max_iterations"]?.value, let iterations = int(iterationsNode, "max_iterations") {
            if Self.clusterIterationRange.contains(iterations) {
                settings.maxIterations = iterations
            } else {
                issue("max_iterations must be between 1 and \(Self.clusterIterationRange.upperBound)", at: iterationsNode)
            }
        }
        var rule: RuleExpression?
        if let ruleNode = fields["rule"]?.value {
            rule = self.rule(ruleNode, context: "rule of \(label)")
            if rule == nil { complete = false }
        }
        guard complete, count != nil else { return nil }
        return ClusterDefinition(features: features, settings: settings, rule: rule)
    }

    /// `frequency` or `{ feature: frequency, transform: log1p, standardise: true, high: …, low: … }`.
    private mutating func readClusterFeature(_ item: Node) -> (FeatureKey, ClusterFeature)? {
        let nameNode: Node
        var fields: [String: (key: Node, value: Node)] = [:]
        if item.scalar != nil {
            nameNode = item
        } else {
            guard let entries = entries(item, allowed: Self.clusterFeatureKeys, what: "cluster feature") else { return nil }
            guard let node = entries["feature"]?.value else {
                issue("cluster feature is missing 'feature'", at: item, code: "missing_key")
                return nil
            }
            nameNode = node
            fields = entries
        }
        guard let name = string(nameNode, "feature") else { return nil }
        let numeric = FeatureCatalog.all.filter { $0.kind != .text }.map(\.name)
        guard let key = FeatureKey(name: name) else {
            issue("unknown feature '\(name)'\(NameSuggester.hint(for: name, among: numeric))", at: nameNode, code: "unknown_feature")
            return nil
        }
        guard key.kind != .text else {
            issue("cluster feature '\(name)' is text; clusters need numbers (integer, real, money, date or boolean features)",
                  at: nameNode)
            return nil
        }
        var feature = ClusterFeature(name: name, highLabel: Self.defaultLabels[name]?.high,
                                     lowLabel: Self.defaultLabels[name]?.low)
        var complete = true
        if let node = fields["transform"]?.value, let text = string(node, "transform") {
            if let transform = ClusterFeature.Transform(rawValue: text) {
                feature.transform = transform
            } else {
                let known = ClusterFeature.Transform.allCases.map(\.rawValue)
                issue("transform '\(text)' must be one of \(known.joined(separator: ", "))"
                    + NameSuggester.hint(for: text, among: known), at: node)
                complete = false
            }
        }
        if let node = fields["standardise"]?.value {
            if let value = bool(node, "standardise") { feature.standardise = value } else { complete = false }
        }
        if let node = fields["high"]?.value {
            if let text = string(node, "high") { feature.highLabel = text } else { complete = false }
        }
        if let node = fields["low"]?.value {
            if let text = string(node, "low") { feature.lowLabel = text } else { complete = false }
        }
        return complete ? (key, feature) : nil
    }

    /// `5` or `{ min: 3, max: 8 }`.
    private mutating func readClusterCount(_ node: Node) -> ClusterSettings.Count? {
        let bounds = "\(Self.clusterKRange.lowerBound) and \(Self.clusterKRange.upperBound)"
        if node.scalar != nil {
            guard let k = int(node, "k") else { return nil }
            guard Self.clusterKRange.contains(k) else {
                issue("k must be between \(bounds)", at: node)
                return nil
            }
            return .fixed(k)
        }
        guard let fields = entries(node, allowed: ["min", "max"], what: "k") else { return nil }
        guard let minNode = fields["min"]?.value, let maxNode = fields["max"]?.value else {
            issue("a k range needs 'min' and 'max', like { min: 3, max: 8 }", at: node, code: "missing_key")
            return nil
        }
        guard let low = int(minNode, "min"), let high = int(maxNode, "max") else { return nil }
        guard Self.clusterKRange.contains(low) else {
            issue("k min must be between \(bounds)", at: minNode)
            return nil
        }
        guard Self.clusterKRange.contains(high) else {
            issue("k max must be between \(bounds)", at: maxNode)
            return nil
        }
        guard low <= high else {
            issue("k max (\(high)) is below k min (\(low))", at: maxNode)
            return nil
        }
        return low == high ? .fixed(low) : .range(low...high)
    }

    /// Words for generated cluster names when the file gives no `high` / `low`; other
    /// features read "high <feature>" / "low <feature>".
    static let defaultLabels: [String: (high: String, low: String)] = [
        "recency_days": ("lapsed", "recent"),
        "frequency": ("frequent", "infrequent"),
        "monetary": ("high spend", "low spend"),
        "aov": ("high basket", "low basket"),
        "sessions_90d": ("active browsers", "rare visitors"),
        "sessions_30d": ("active browsers", "rare visitors"),
        "discounted_order_share": ("deal seekers", "full price"),
        "full_price_order_share": ("full price", "deal seekers"),
        "tenure_days": ("long-standing", "new"),
        "distinct_categories": ("broad range", "narrow range"),
        "chats": ("chatty", "quiet"),
    ]
}
