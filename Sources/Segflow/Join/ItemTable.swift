/// Order lines: loaded raw, deduplicated and validated after loading, then grouped by order.
final class ItemTable: @unchecked Sendable {
    var orderID: [Int64] = []
    var lineNo: [Int32] = []
    var productID: [Int64] = []
    var quantity: [Int32] = []
    var unitPriceCents: [Int64] = []
    var listPriceCents: [Int64] = []
    var discountCents: [Int64] = []
    /// Set when validated.
    var order: [Int32] = []
    var product: [Int32] = []
    /// round((quantity * unit_price - discount) * rate, 2) in base cents.
    var netCents: [Int64] = []
    var kept: [Bool] = []
    /// Keys (order, line) seen, and those seen twice: only those rows need resolving.
    var seenKeys = Int64Set(capacity: 1 << 16)
    var duplicateKeys = Int64Set(capacity: 64)

    var count: Int { orderID.count }

    static func key(order: Int64, line: Int32) -> Int64 {
        Int64(bitPattern: UInt64(bitPattern: order) &* 0x9E37_79B9_7F4A_7C15) ^ Int64(line)
    }

    /// Kept lines grouped by order (built by `groupByOrder`).
    private(set) var byOrder = GroupIndex()

    func groupByOrder(orderCount: Int) {
        byOrder = GroupIndex(keyCount: orderCount, rowCount: count) { kept[$0] ? order[$0] : nil }
    }

    @inline(__always)
    func lines(of order: Int32) -> ArraySlice<Int32> {
        byOrder.rows(of: order)
    }
}
