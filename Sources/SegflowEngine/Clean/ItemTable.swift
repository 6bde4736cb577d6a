/// Order lines: loaded raw, deduplicated and validated after loading, then grouped by order.
final class ItemTable: @unchecked Sendable {
    @exclusivity(unchecked) var lineNo: [Int32] = []
    @exclusivity(unchecked) var quantity: [Int32] = []
    @exclusivity(unchecked) var unitPriceCents: [Int64] = []
    @exclusivity(unchecked) var listPriceCents: [Int64] = []
    @exclusivity(unchecked) var discountCents: [Int64] = []
    /// The line's order and product as rows of the (finalised) order and product tables,
    /// resolved as lines stream in so the 64-bit ids need not be held: a row ≥ 0 (kept or
    /// not), else `-(k + 1)` for an id that is in neither, kept as `unknownIDs[k]`.
    @exclusivity(unchecked) var order: [Int32] = []
    @exclusivity(unchecked) var product: [Int32] = []
    @exclusivity(unchecked) var unknownIDs: [Int64] = []
    /// round((quantity * unit_price - discount) * rate, 2) in base cents.
    @exclusivity(unchecked) var netCents: [Int64] = []
    @exclusivity(unchecked) var kept: [Bool] = []
    /// Keys (order, line) seen, and those seen twice: only those rows need resolving.
    @exclusivity(unchecked) var seenKeys = Int64Set(capacity: 1 << 16)
    @exclusivity(unchecked) var duplicateKeys = Int64Set(capacity: 64)

    var count: Int { lineNo.count }

    /// A reference for `order`/`product`: the row if the id is in the table, else a new unknown id.
    func reference(_ id: Int64, row: Int32?) -> Int32 {
        if let row { return row }
        unknownIDs.append(id)
        return Int32(-unknownIDs.count)
    }

    /// The id behind a reference, given the ids of the referenced table.
    @inline(__always)
    func id(_ reference: Int32, ids: [Int64]) -> Int64 {
        reference >= 0 ? ids[Int(reference)] : unknownIDs[Int(-reference - 1)]
    }

    static func key(order: Int64, line: Int32) -> Int64 {
        Int64(bitPattern: UInt64(bitPattern: order) &* 0x9E37_79B9_7F4A_7C15) ^ Int64(line)
    }

    /// Kept lines grouped by order (built by `groupByOrder`).
    @exclusivity(unchecked) private(set) var byOrder = GroupIndex()

    func groupByOrder(orderCount: Int) {
        byOrder = GroupIndex(keyCount: orderCount, rowCount: count) { kept[$0] ? order[$0] : nil }
    }

    @inline(__always)
    func lines(of order: Int32) -> ArraySlice<Int32> {
        byOrder.rows(of: order)
    }
}
