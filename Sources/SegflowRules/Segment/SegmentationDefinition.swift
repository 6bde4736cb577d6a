import SegflowEngine

/// One way of cutting customers into segments.
public struct SegmentationDefinition: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// Listed segments with rules.
        case segments([SegmentDefinition])
        /// One segment per value of a text feature.
        case family(FamilyDefinition)
        /// k-means clusters over numeric features; never primary.
        case clusters(ClusterDefinition)
    }

    public var key: String
    public var name: String
    public var description: String?
    /// The primary segmentation gives every customer exactly one lifecycle segment.
    public var isPrimary: Bool
    /// Exclusive: at most one segment per customer (first true rule wins).
    /// Not exclusive: every segment whose rule is true.
    public var isExclusive: Bool
    public var kind: Kind

    public init(key: String, name: String, description: String? = nil, isPrimary: Bool = false,
                isExclusive: Bool = true, kind: Kind) {
        self.key = key
        self.name = name
        self.description = description
        self.isPrimary = isPrimary
        self.isExclusive = isExclusive
        self.kind = kind
    }

    /// Every rule in this segmentation (segment rules or the family filter).
    public var rules: [RuleExpression] {
        switch kind {
        case .segments(let segments): segments.map(\.rule)
        case .family(let family): family.rule.map { [$0] } ?? []
        case .clusters(let clusters): clusters.rule.map { [$0] } ?? []
        }
    }
}

extension Array where Element == SegmentationDefinition {
    /// Every rule of every segmentation.
    package var rules: [RuleExpression] { flatMap(\.rules) }

    /// Text features read by rules or expanded as families (they get a dictionary).
    package var textFeatures: Set<FeatureKey> {
        var features = rules.reduce(into: Set<FeatureKey>()) { $0.formUnion($1.textFeatures) }
        for segmentation in self {
            if case .family(let family) = segmentation.kind { features.insert(family.feature) }
        }
        return features
    }
}
