/// One customer in one segment: a row of `customer_segments` for a snapshot.
public struct SegmentMembership: Sendable, Hashable {
    public var customerID: Int64
    public var segmentationKey: String
    public var segmentKey: String
    /// Whether the segment belongs to the primary segmentation.
    public var isPrimary: Bool

    public init(customerID: Int64, segmentationKey: String, segmentKey: String, isPrimary: Bool) {
        self.customerID = customerID
        self.segmentationKey = segmentationKey
        self.segmentKey = segmentKey
        self.isPrimary = isPrimary
    }
}
