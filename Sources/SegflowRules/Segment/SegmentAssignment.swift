/// The segments of every customer in one snapshot.
public struct SegmentAssignment: Sendable {
    /// Row order of every membership array.
    public var customerIDs: [Int64]
    public var asOf: Int
    /// The population statistics the rules saw (worth recording with the run).
    public var statistics: PopulationStatistics
    /// In pipeline file order.
    public var segmentations: [SegmentationResult]
    /// The fits of the clusters segmentations, in pipeline file order.
    public var clusters: [ClusterOutcome]

    public init(customerIDs: [Int64], asOf: Int, statistics: PopulationStatistics,
                segmentations: [SegmentationResult], clusters: [ClusterOutcome] = []) {
        self.customerIDs = customerIDs
        self.asOf = asOf
        self.statistics = statistics
        self.segmentations = segmentations
        self.clusters = clusters
    }

    /// `(customerID, segmentKey, segmentationKey, isPrimary)` rows for loading.
    public var memberships: SegmentMemberships {
        SegmentMemberships(customerIDs: customerIDs, segmentations: segmentations)
    }

    /// Total number of membership rows.
    public var membershipCount: Int { segmentations.reduce(0) { $0 + $1.membershipCount } }

    /// A segmentation's result by key.
    public func segmentation(_ key: String) -> SegmentationResult? {
        segmentations.first { $0.key == key }
    }

    /// Every segment definition, for the segments table.
    public var segments: [(segmentationKey: String, segment: ResolvedSegment)] {
        segmentations.flatMap { result in result.segments.map { (result.key, $0) } }
    }
}
