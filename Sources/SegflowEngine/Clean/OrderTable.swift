/// Kept orders with what features and joins need, in base-currency cents.
final class OrderTable: @unchecked Sendable {
    enum Status: UInt8 {
        case completed, cancelled, refunded, pending, other
        init(_ text: String) {
            switch text {
            case "completed": self = .completed
            case "cancelled": self = .cancelled
            case "refunded": self = .refunded
            case "pending": self = .pending
            default: self = .other
            }
        }
    }

    @exclusivity(unchecked) var index = Int64Index(capacity: 1 << 16)
    @exclusivity(unchecked) var ids: [Int64] = []
    @exclusivity(unchecked) var customer: [Int32] = []
    @exclusivity(unchecked) var placedAt: [Int64] = []
    @exclusivity(unchecked) var updatedAt: [Int64] = []
    @exclusivity(unchecked) var localDay: [Int32] = []
    @exclusivity(unchecked) var status: [Status] = []
    /// Raw status text and total, for duplicate tie-breaks.
    @exclusivity(unchecked) var statusText: [String] = []
    @exclusivity(unchecked) var totalCents: [Int64] = []
    @exclusivity(unchecked) var sessionID: [Int64] = []   // 0: none
    /// round((subtotal - discount_total) * rate, 2)
    @exclusivity(unchecked) var netCents: [Int64] = []
    @exclusivity(unchecked) var subtotalCents: [Int64] = []
    @exclusivity(unchecked) var discountCents: [Int64] = []
    @exclusivity(unchecked) var rateE8: [Int64] = []
    @exclusivity(unchecked) var hasCoupon: [Bool] = []
    /// Set by the session join: the attributed session (0: none) and its start.
    @exclusivity(unchecked) var attributedSession: [Int64] = []
    @exclusivity(unchecked) var attributedSessionStart: [Int64] = []
    @exclusivity(unchecked) var explicitSessionConfirmed: [Bool] = []
    /// Raw values kept until validation.
    @exclusivity(unchecked) var customerID: [Int64?] = []  // nil: NULL, which no customer matches
    @exclusivity(unchecked) var currency: [String] = []
    @exclusivity(unchecked) var shippingCents: [Int64] = []
    @exclusivity(unchecked) var taxCents: [Int64] = []
    /// False for orders rejected after loading.
    @exclusivity(unchecked) var kept: [Bool] = []

    var count: Int { ids.count }

    /// Kept orders grouped by customer, each group sorted by placed_at (see `groupByCustomer`).
    @exclusivity(unchecked) private(set) var byCustomer = GroupIndex()

    /// The row of a kept order.
    @inline(__always)
    func row(of orderID: Int64) -> Int32? {
        guard let row = index.find(orderID), kept[Int(row)] else { return nil }
        return row
    }

    func groupByCustomer(customerCount: Int) {
        byCustomer = GroupIndex(keyCount: customerCount, rowCount: count) { kept[$0] ? customer[$0] : nil }
        byCustomer.sortWithinGroups { (placedAt[Int($0)], ids[Int($0)]) < (placedAt[Int($1)], ids[Int($1)]) }
    }

    /// The orders of a customer, sorted by time.
    @inline(__always)
    func orders(of customer: Int32) -> ArraySlice<Int32> {
        byCustomer.rows(of: customer)
    }
}
