/// What the clustering does with a missing (null) feature value.
public enum MissingValues: String, Sendable, Hashable, CaseIterable {
    /// Read it as 0 in the feature's own units (before the transform): "no orders" is 0 orders.
    case zero
    /// Replace it by the mean of the transformed present values, so it sits at the centre
    /// (z-score 0) of that feature and pulls no cluster.
    case mean
    /// Leave the customer out: a row with any missing feature gets no cluster.
    case exclude
}
