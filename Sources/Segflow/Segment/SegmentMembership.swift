/// One row for the output table: a customer in a segment.
public struct SegmentMembership: Sendable, Hashable {
    public var customerID: Int64
    public var segmentKey: String
    public var segmentationKey: String
    /// Whether the segment belongs to the primary segmentation.
    public var isPrimary: Bool

    public init(customerID: Int64, segmentKey: String, segmentationKey: String, isPrimary: Bool) {
        self.customerID = customerID
        self.segmentKey = segmentKey
        self.segmentationKey = segmentationKey
        self.isPrimary = isPrimary
    }
}
