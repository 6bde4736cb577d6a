/// The clusters of the previous snapshot with the same configuration: the warm start.
public struct PreviousClusters: Sendable, Equatable {
    public var ids: [Int]
    /// Per cluster, the centroid in transformed units (after the transform, before standardising).
    public var centroids: [[Double]]

    public init(ids: [Int], centroids: [[Double]]) {
        self.ids = ids
        self.centroids = centroids
    }
}
