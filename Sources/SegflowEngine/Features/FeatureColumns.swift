/// The features of one snapshot, column by column, as the segment stage reads them.
///
/// One column per `FeatureKey`. Numeric kinds (integer, real, money in base-currency
/// units, date as days since 1970-01-01, boolean as 0 or 1) are read with `numbers(_:)`,
/// text kinds with `texts(_:)`; the other array of a feature is empty.
/// In numbers, NaN stands for SQL null.
public struct FeatureColumns: Sendable {
    public var customerIDs: [Int64]
    /// Storage in `FeatureKey.allCases` order (`FeatureKey.index`).
    private(set) var numberColumns: [[Double]]
    private(set) var textColumns: [[String?]]

    public var count: Int { customerIDs.count }

    /// An empty table sized for `capacity` customers.
    public init(capacity: Int = 0) {
        customerIDs = []
        customerIDs.reserveCapacity(capacity)
        numberColumns = FeatureKey.allCases.map { _ in [] }
        textColumns = FeatureKey.allCases.map { _ in [] }
    }

    /// A table of `customerIDs` whose columns `numbers` and `texts` give per feature
    /// (a text feature's numbers and a numeric feature's texts are ignored).
    public init(customerIDs: [Int64], numbers: (FeatureKey) -> [Double], texts: (FeatureKey) -> [String?]) {
        self.customerIDs = customerIDs
        numberColumns = FeatureKey.allCases.map { $0.kind == .text ? [] : numbers($0) }
        textColumns = FeatureKey.allCases.map { $0.kind == .text ? texts($0) : [] }
    }

    /// Columns already in `FeatureKey.allCases` order (the feature builder's buffers).
    init(customerIDs: [Int64], numberColumns: [[Double]], textColumns: [[String?]]) {
        precondition(numberColumns.count == FeatureKey.allCases.count && textColumns.count == FeatureKey.allCases.count)
        self.customerIDs = customerIDs
        self.numberColumns = numberColumns
        self.textColumns = textColumns
    }

    /// A numeric feature's column (NaN for null); empty for a text feature.
    public func numbers(_ feature: FeatureKey) -> [Double] { numberColumns[feature.index] }

    /// A text feature's column; empty for a numeric feature.
    public func texts(_ feature: FeatureKey) -> [String?] { textColumns[feature.index] }

    /// Replaces a numeric feature's column.
    public mutating func setNumbers(_ feature: FeatureKey, _ values: [Double]) {
        precondition(feature.kind != .text && values.count == count, "\(feature.name): \(values.count) numbers for \(count) rows")
        numberColumns[feature.index] = values
    }

    /// Replaces a text feature's column.
    public mutating func setTexts(_ feature: FeatureKey, _ values: [String?]) {
        precondition(feature.kind == .text && values.count == count, "\(feature.name): \(values.count) texts for \(count) rows")
        textColumns[feature.index] = values
    }

    /// A numeric value, nil for null (or for a text feature).
    public func number(_ feature: FeatureKey, row: Int) -> Double? {
        let column = numberColumns[feature.index]
        guard !column.isEmpty else { return nil }
        let value = column[row]
        return value.isNaN ? nil : value
    }

    /// A text value, nil for null (or for a numeric feature).
    public func text(_ feature: FeatureKey, row: Int) -> String? {
        let column = textColumns[feature.index]
        return column.isEmpty ? nil : column[row]
    }
}
