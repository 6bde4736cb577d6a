/// A dense matrix of `rows` × `columns` doubles, row-major: row `i` is
/// `values[i * columns ..< (i + 1) * columns]`. The clustering works on one of these.
public struct FeatureMatrix: Sendable, Equatable {
    public let rows: Int
    public let columns: Int
    public var values: [Double]

    public init(rows: Int, columns: Int, values: [Double]) {
        precondition(values.count == rows * columns, "\(values.count) values for \(rows) × \(columns)")
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    /// One row as an array (for tests and profiles; the hot loops index `values`).
    public func row(_ index: Int) -> [Double] {
        Array(values[index * columns..<(index + 1) * columns])
    }

    public subscript(row: Int, column: Int) -> Double {
        values[row * columns + column]
    }
}
