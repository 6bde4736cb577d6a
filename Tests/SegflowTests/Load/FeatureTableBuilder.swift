import PostgresClient
@testable import Segflow

/// Builds `FeatureColumns` by feature name; every feature not set is NULL.
struct FeatureTableBuilder {
    private(set) var columns: FeatureColumns

    init(customerIDs: [Int64]) {
        let count = customerIDs.count
        columns = FeatureColumns(
            customerIDs: customerIDs,
            numbers: FeatureCatalog.all.map { $0.kind == .text ? [] : [Double](repeating: .nan, count: count) },
            texts: FeatureCatalog.all.map { $0.kind == .text ? [String?](repeating: nil, count: count) : [] }
        )
    }

    /// Numeric values (nil is NULL); dates as days since 1970, booleans as 0/1.
    mutating func set(_ name: String, _ values: [Double?]) {
        guard let index = FeatureColumns.index(of: name) else { fatalError("no feature \(name)") }
        precondition(FeatureCatalog.all[index].kind != .text && values.count == columns.count)
        columns.numbers[index] = values.map { $0 ?? .nan }
    }

    mutating func set(_ name: String, texts values: [String?]) {
        guard let index = FeatureColumns.index(of: name) else { fatalError("no feature \(name)") }
        precondition(FeatureCatalog.all[index].kind == .text && values.count == columns.count)
        columns.texts[index] = values
    }

    /// The same value for every customer.
    mutating func fill(_ name: String, _ value: Double) {
        set(name, [Double?](repeating: value, count: columns.count))
    }
}

extension PostgresDate {
    static func day(_ iso: String) -> PostgresDate {
        guard let date = PostgresDate(iso: iso) else { fatalError("bad date \(iso)") }
        return date
    }
}
