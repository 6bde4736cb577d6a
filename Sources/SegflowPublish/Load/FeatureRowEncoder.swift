import PostgresClient
import SegflowEngine

/// Encodes `FeatureColumns` as `customer_features` rows for binary COPY:
/// as_of, customer_id, then every feature in `FeatureKey` order, each as the column type
/// of its kind (`FeatureDefinition.Kind.columnType`; money as exact cents). NaN or nil is NULL.
struct FeatureRowEncoder: Sendable {
    private enum Column: Sendable {
        case int4([Double])
        case float8([Double])
        case money([Double])
        case date([Double])
        case bool([Double])
        case text([String?])
    }

    private let asOf: PostgresDate
    private let customerIDs: [Int64]
    private let columns: [Column]

    /// The COPY column list, quoted, in table order.
    static var columnList: String {
        (["as_of", "customer_id"] + FeatureCatalog.all.map(\.name)).map(PostgresQuery.quoteIdentifier).joined(separator: ", ")
    }

    /// Checks that every feature has one value per customer in the array its kind uses.
    init(features: FeatureColumns, asOf: PostgresDate) throws {
        var columns: [Column] = []
        columns.reserveCapacity(FeatureCatalog.all.count)
        for feature in FeatureCatalog.all {
            let numbers = features.numbers(feature.key)
            let count = feature.kind == .text ? features.texts(feature.key).count : numbers.count
            guard count == features.count else {
                throw FeatureColumnsShapeError(problem: "feature \(feature.name) has \(count) values for \(features.count) customers")
            }
            switch feature.kind {
            case .integer: columns.append(.int4(numbers))
            case .real: columns.append(.float8(numbers))
            case .money: columns.append(.money(numbers))
            case .date: columns.append(.date(numbers))
            case .boolean: columns.append(.bool(numbers))
            case .text: columns.append(.text(features.texts(feature.key)))
            }
        }
        self.asOf = asOf
        self.customerIDs = features.customerIDs
        self.columns = columns
    }

    var count: Int { customerIDs.count }

    /// Appends the row of customer number `row`.
    func encode(row: Int, into encoder: inout BinaryCopyEncoder) throws {
        encoder.beginRow(fieldCount: 2 + columns.count)
        encoder.write(asOf)
        encoder.write(customerIDs[row])
        for (index, column) in columns.enumerated() {
            switch column {
            case .int4(let values):
                let value = values[row]
                if value.isNaN { encoder.writeNull(); continue }
                guard let integer = Int32(exactly: value) else { throw invalid(index, row, value, "is not a 32-bit integer") }
                encoder.write(integer)
            case .float8(let values):
                let value = values[row]
                if value.isNaN { encoder.writeNull() } else { encoder.write(value) }
            case .money(let values):
                let value = values[row]
                if value.isNaN { encoder.writeNull(); continue }
                // numeric(14,2) holds less than 10^12; checking first keeps Int64() from trapping.
                guard value.isFinite, abs(value) < 1e12 else { throw invalid(index, row, value, "is not an amount numeric(14,2) can hold") }
                encoder.writeNumeric(scaled: Int64((value * 100).rounded()), scale: 2)
            case .date(let values):
                let value = values[row]
                if value.isNaN { encoder.writeNull(); continue }
                guard let days = Int32(exactly: value) else { throw invalid(index, row, value, "is not a whole number of days since 1970-01-01") }
                encoder.write(PostgresDate(daysSince1970: days))
            case .bool(let values):
                let value = values[row]
                if value.isNaN { encoder.writeNull(); continue }
                guard value == 0 || value == 1 else { throw invalid(index, row, value, "is not 0 or 1") }
                encoder.write(value == 1)
            case .text(let values):
                encoder.write(values[row])
            }
        }
    }

    private func invalid(_ index: Int, _ row: Int, _ value: Double, _ problem: String) -> FeatureValueError {
        FeatureValueError(feature: FeatureKey(index: index).name, customerID: customerIDs[row], value: value, problem: problem)
    }
}
