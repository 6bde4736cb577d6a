/// One customer in one segment, stored per snapshot in `customer_segments`.
public struct SegmentMembershipRecord: Sendable, Hashable {
    public var customerID: Int64
    public var segmentationKey: String
    public var segmentKey: String
    public var isPrimary: Bool

    public init(customerID: Int64, segmentationKey: String, segmentKey: String, isPrimary: Bool) {
        self.customerID = customerID
        self.segmentationKey = segmentationKey
        self.segmentKey = segmentKey
        self.isPrimary = isPrimary
    }
}
