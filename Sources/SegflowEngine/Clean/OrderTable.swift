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

    var index = Int64Index(capacity: 1 << 16)
    var ids: [Int64] = []
    var customer: [Int32] = []
    var placedAt: [Int64] = []
    var updatedAt: [Int64] = []
    var localDay: [Int32] = []
    var status: [Status] = []
    /// Raw status text and total, for duplicate tie-breaks.
    var statusText: [String] = []
    var totalCents: [Int64] = []
    var sessionID: [Int64] = []   // 0: none
    /// round((subtotal - discount_total) * rate, 2)
    var netCents: [Int64] = []
    var subtotalCents: [Int64] = []
    var discountCents: [Int64] = []
    var rateE8: [Int64] = []
    var hasCoupon: [Bool] = []
    /// Set by the session join: the attributed session (0: none) and its start.
    var attributedSession: [Int64] = []
    var attributedSessionStart: [Int64] = []
    var explicitSessionConfirmed: [Bool] = []
    /// Raw values kept until validation.
    var customerID: [Int64?] = []  // nil: NULL, which no customer matches
    var currency: [String] = []
    var shippingCents: [Int64] = []
    var taxCents: [Int64] = []
    /// False for orders rejected after loading.
    var kept: [Bool] = []

    var count: Int { ids.count }

    /// Kept orders grouped by customer, each group sorted by placed_at (see `groupByCustomer`).
    private(set) var byCustomer = GroupIndex()

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
