/// Kept products with their category and product line as small integer codes.
final class ProductCatalog: @unchecked Sendable {
    @exclusivity(unchecked) var index = Int64Index(capacity: 1 << 12)
    @exclusivity(unchecked) var ids: [Int64] = []
    @exclusivity(unchecked) var skus: [String?] = []
    @exclusivity(unchecked) var category: [Int32] = []
    @exclusivity(unchecked) var productLine: [Int32] = []
    /// µs since 2000; `Int64.min` when unknown.
    @exclusivity(unchecked) var launchedAt: [Int64] = []
    @exclusivity(unchecked) var replenishable: [Bool] = []
    @exclusivity(unchecked) var negativePrice: [Bool] = []
    @exclusivity(unchecked) var kept: [Bool] = []
    let categories = Dictionary32()
    let productLines = Dictionary32()

    /// The row of a kept product.
    @inline(__always)
    func row(of productID: Int64) -> Int32? {
        guard let row = index.find(productID), kept[Int(row)] else { return nil }
        return row
    }
}

/// Interns strings as dense 32-bit codes; code -1 is null.
final class Dictionary32: @unchecked Sendable {
    @exclusivity(unchecked) private(set) var values: [String] = []
    @exclusivity(unchecked) private var codes: [String: Int32] = [:]

    func code(_ value: String?) -> Int32 {
        guard let value else { return -1 }
        if let code = codes[value] { return code }
        let code = Int32(values.count)
        codes[value] = code
        values.append(value)
        return code
    }

    func value(_ code: Int32) -> String? {
        code >= 0 && Int(code) < values.count ? values[Int(code)] : nil
    }

    var count: Int { values.count }
}
