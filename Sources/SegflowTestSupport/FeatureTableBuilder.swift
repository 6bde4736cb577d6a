import Segflow

/// Builds small `FeatureColumns` by hand; every feature not set is NULL. Features are
/// named by key, or by name as rules write them.
public struct FeatureTableBuilder: Sendable {
    /// The table built so far.
    public private(set) var columns: FeatureColumns

    /// A table of `customerIDs` with every feature NULL.
    public init(customerIDs: [Int64]) {
        let count = customerIDs.count
        columns = FeatureColumns(
            customerIDs: customerIDs,
            numbers: { _ in [Double](repeating: .nan, count: count) },
            texts: { _ in [String?](repeating: nil, count: count) }
        )
    }

    /// A table with one row per dictionary (feature name → value; booleans as 0/1); ids 1, 2, … unless given.
    public init(rows: [[String: Value]], customerIDs: [Int64]? = nil) {
        for row in rows {
            for name in row.keys {
                precondition(FeatureKey(name: name) != nil, "unknown feature \(name) in test table")
            }
        }
        let ids = customerIDs ?? (0..<rows.count).map { Int64($0 + 1) }
        columns = FeatureColumns(
            customerIDs: ids,
            numbers: { feature in
                rows.map { row in
                    switch row[feature.name] {
                    case .number(let value): value
                    case .boolean(let value): value ? 1 : 0
                    default: .nan
                    }
                }
            },
            texts: { feature in
                rows.map { row in
                    if case .text(let value) = row[feature.name] { return value }
                    return nil
                }
            }
        )
    }

    /// The table of ``init(rows:customerIDs:)``.
    public static func make(_ rows: [[String: Value]], customerIDs: [Int64]? = nil) -> FeatureColumns {
        FeatureTableBuilder(rows: rows, customerIDs: customerIDs).columns
    }

    /// Numeric values (nil is NULL); dates as days since 1970, booleans as 0/1.
    public mutating func set(_ feature: FeatureKey, _ values: [Double?]) {
        columns.setNumbers(feature, values.map { $0 ?? .nan })
    }

    /// Text values (nil is NULL).
    public mutating func set(_ feature: FeatureKey, texts values: [String?]) {
        columns.setTexts(feature, values)
    }

    /// Numeric values of the feature named `name`.
    public mutating func set(_ name: String, _ values: [Double?]) {
        set(Self.key(name), values)
    }

    /// Text values of the feature named `name`.
    public mutating func set(_ name: String, texts values: [String?]) {
        set(Self.key(name), texts: values)
    }

    /// The same value for every customer.
    public mutating func fill(_ name: String, _ value: Double) {
        set(Self.key(name), [Double?](repeating: value, count: columns.count))
    }

    private static func key(_ name: String) -> FeatureKey {
        guard let key = FeatureKey(name: name) else { fatalError("no feature \(name)") }
        return key
    }
}
