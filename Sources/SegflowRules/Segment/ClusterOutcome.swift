import SegflowClusters

/// The clusters of one clusters segmentation in one snapshot, for the `cluster_profiles` table.
public struct ClusterOutcome: Sendable {
    public var segmentationKey: String
    /// `ClusterDefinition.configHash`: which later snapshots may start from these centroids.
    public var configHash: String
    public var features: [ClusterFeature]
    public var fit: ClusterFit

    public init(segmentationKey: String, configHash: String, features: [ClusterFeature], fit: ClusterFit) {
        self.segmentationKey = segmentationKey
        self.configHash = configHash
        self.features = features
        self.fit = fit
    }

    /// The segment key of each profile, in profile order.
    public var segmentKeys: [String] {
        fit.profiles.map { ClusterDefinition.segmentKey(segmentationKey: segmentationKey, id: $0.id) }
    }
}
