/// One cluster as published: who is in it and what sets it apart.
public struct ClusterProfile: Sendable, Equatable {
    /// Stable across snapshots with the same configuration (`ClusterMatching`); 1-based.
    public var id: Int
    /// Generated from the most distinctive features (`ClusterNaming`).
    public var name: String
    public var size: Int
    /// size / clustered rows.
    public var share: Double
    /// Per feature (in settings order): the mean of the members' present values in the
    /// feature's original units; nil when no member has a value.
    public var means: [Double?]
    /// Per feature: the centroid as a z-score against the clustered population (transformed units).
    public var zScores: [Double]
    /// Per feature: the centroid in transformed units (what the next snapshot starts from).
    public var centroid: [Double]
    /// Distance (matrix space) from the previous snapshot's centroid of the same id; nil without one.
    public var drift: Double?

    public init(id: Int, name: String, size: Int, share: Double, means: [Double?], zScores: [Double],
                centroid: [Double], drift: Double?) {
        self.id = id
        self.name = name
        self.size = size
        self.share = share
        self.means = means
        self.zScores = zScores
        self.centroid = centroid
        self.drift = drift
    }
}
