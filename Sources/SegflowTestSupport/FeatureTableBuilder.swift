import Segflow

/// Builds small `FeatureColumns` by hand, by feature name; every feature not set is NULL.
public struct FeatureTableBuilder: Sendable {
    /// The table built so far.
    public private(set) var columns: FeatureColumns

    /// A table of `customerIDs` with every feature NULL.
    public init(customerIDs: [Int64]) {
        let count = customerIDs.count
        columns = FeatureColumns(
            customerIDs: customerIDs,
            numbers: FeatureCatalog.all.map { $0.kind == .text ? [] : [Double](repeating: .nan, count: count) },
            texts: FeatureCatalog.all.map { $0.kind == .text ? [String?](repeating: nil, count: count) : [] }
        )
    }

    /// A table with one row per dictionary (feature name → value; booleans as 0/1); ids 1, 2, … unless given.
    public init(rows: [[String: Value]], customerIDs: [Int64]? = nil) {
        for row in rows {
            for name in row.keys {
                precondition(FeatureCatalog.indexByName[name] != nil, "unknown feature \(name) in test table")
            }
        }
        self.init(customerIDs: customerIDs ?? (0..<rows.count).map { Int64($0 + 1) })
        for (index, feature) in FeatureCatalog.all.enumerated() {
            if feature.kind == .text {
                columns.texts[index] = rows.map { row in
                    if case .text(let value) = row[feature.name] { return value }
                    return nil
                }
            } else {
                columns.numbers[index] = rows.map { row in
                    switch row[feature.name] {
                    case .number(let value): value
                    case .boolean(let value): value ? 1 : 0
                    default: .nan
                    }
                }
            }
        }
    }

    /// The table of ``init(rows:customerIDs:)``.
    public static func make(_ rows: [[String: Value]], customerIDs: [Int64]? = nil) -> FeatureColumns {
        FeatureTableBuilder(rows: rows, customerIDs: customerIDs).columns
    }

    /// Numeric values (nil is NULL); dates as days since 1970, booleans as 0/1.
    public mutating func set(_ name: String, _ values: [Double?]) {
        guard let index = FeatureColumns.index(of: name) else { fatalError("no feature \(name)") }
        precondition(FeatureCatalog.all[index].kind != .text && values.count == columns.count)
        columns.numbers[index] = values.map { $0 ?? .nan }
    }

    /// Text values (nil is NULL).
    public mutating func set(_ name: String, texts values: [String?]) {
        guard let index = FeatureColumns.index(of: name) else { fatalError("no feature \(name)") }
        precondition(FeatureCatalog.all[index].kind == .text && values.count == columns.count)
        columns.texts[index] = values
    }

    /// The same value for every customer.
    public mutating func fill(_ name: String, _ value: Double) {
        set(name, [Double?](repeating: value, count: columns.count))
    }
}
