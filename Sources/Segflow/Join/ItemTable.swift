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
    var orderStart: [Int32] = []
    var byOrder: [Int32] = []

    func groupByOrder(orderCount: Int) {
        var counts = [Int32](repeating: 0, count: orderCount + 1)
        for row in 0..<count where kept[row] { counts[Int(order[row]) + 1] += 1 }
        for index in 1..<counts.count { counts[index] += counts[index - 1] }
        var next = counts
        var grouped = [Int32](repeating: 0, count: Int(counts[orderCount]))
        for row in 0..<count where kept[row] {
            let order = Int(order[row])
            grouped[Int(next[order])] = Int32(row)
            next[order] += 1
        }
        orderStart = counts
        byOrder = grouped
    }

    @inline(__always)
    func lines(of order: Int32) -> ArraySlice<Int32> {
        byOrder[Int(orderStart[Int(order)])..<Int(orderStart[Int(order) + 1])]
    }
}
