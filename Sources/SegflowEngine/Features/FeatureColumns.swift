/// The features of one snapshot, column by column, as the segment stage reads them.
///
/// Columns follow `FeatureCatalog.all` by index. Numeric kinds (integer, real, money in
/// base-currency units, date as days since 1970-01-01, boolean as 0 or 1) live in
/// `numbers`, text kinds in `texts`; the other array of a feature is empty.
/// In `numbers`, NaN stands for SQL null.
public struct FeatureColumns: Sendable {
    public var customerIDs: [Int64]
    public var numbers: [[Double]]
    public var texts: [[String?]]

    public var count: Int { customerIDs.count }

    /// An empty table sized for `capacity` customers.
    public init(capacity: Int = 0) {
        customerIDs = []
        customerIDs.reserveCapacity(capacity)
        numbers = FeatureCatalog.all.map { _ in [] }
        texts = FeatureCatalog.all.map { _ in [] }
    }

    public init(customerIDs: [Int64], numbers: [[Double]], texts: [[String?]]) {
        precondition(numbers.count == FeatureCatalog.all.count && texts.count == FeatureCatalog.all.count)
        self.customerIDs = customerIDs
        self.numbers = numbers
        self.texts = texts
    }

    /// The catalog index of a feature.
    public static func index(of name: String) -> Int? {
        FeatureCatalog.indexByName[name]
    }

    /// A numeric value, nil for null (or for a text feature).
    public func number(_ feature: Int, row: Int) -> Double? {
        let column = numbers[feature]
        guard !column.isEmpty else { return nil }
        let value = column[row]
        return value.isNaN ? nil : value
    }

    /// A text value, nil for null (or for a numeric feature).
    public func text(_ feature: Int, row: Int) -> String? {
        let column = texts[feature]
        return column.isEmpty ? nil : column[row]
    }
}

extension FeatureCatalog {
    /// Catalog index by feature name.
    public static let indexByName: [String: Int] = Dictionary(
        uniqueKeysWithValues: all.enumerated().map { ($0.element.name, $0.offset) }
    )
}
