/// Kept products with their category and product line as small integer codes.
final class ProductCatalog: @unchecked Sendable {
    var index = Int64Index(capacity: 1 << 12)
    var ids: [Int64] = []
    var skus: [String?] = []
    var category: [Int32] = []
    var productLine: [Int32] = []
    /// µs since 2000; `Int64.min` when unknown.
    var launchedAt: [Int64] = []
    var replenishable: [Bool] = []
    var negativePrice: [Bool] = []
    var kept: [Bool] = []
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
    private(set) var values: [String] = []
    private var codes: [String: Int32] = [:]

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
