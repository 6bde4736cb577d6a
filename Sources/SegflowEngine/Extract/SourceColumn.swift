import PostgresClient

/// A column of a source, declared once per source (`CustomerColumn`, `OrderColumn`, …):
/// the case order is the order the extract stage selects the columns, `declaration` gives
/// the canonical name and type. `SourceName.columns` and `columnTypes` derive from it.
public protocol SourceColumn: CaseIterable, Sendable, Hashable, RawRepresentable where RawValue == Int {
    /// The canonical column name and the type binary COPY delivers it as.
    var declaration: (name: String, type: String) { get }
    /// Every column's name, in select order.
    static var names: [String] { get }
    /// Every column's type, in select order.
    static var types: [String] { get }
}

extension SourceColumn {
    public var name: String { declaration.name }
    public var type: String { declaration.type }
    /// The field of an extracted row that holds this column.
    public var position: Int { rawValue }

    public static var names: [String] { allCases.map(\.name) }
    public static var types: [String] { allCases.map(\.type) }
}

/// Fields of an extracted row, read by column.
extension BinaryCopyRow {
    @inline(__always) func isNull(_ column: some SourceColumn) -> Bool { isNull(column.position) }
    @inline(__always) func int64(_ column: some SourceColumn) throws -> Int64? { try int64(column.position) }
    @inline(__always) func int32(_ column: some SourceColumn) throws -> Int32? { try int32(column.position) }
    @inline(__always) func bool(_ column: some SourceColumn) throws -> Bool? { try bool(column.position) }
    @inline(__always) func double(_ column: some SourceColumn) throws -> Double? { try double(column.position) }
    @inline(__always) func date(_ column: some SourceColumn) throws -> PostgresDate? { try date(column.position) }
    @inline(__always) func timestamp(_ column: some SourceColumn) throws -> PostgresTimestamp? { try timestamp(column.position) }
    @inline(__always) func string(_ column: some SourceColumn) throws -> String? { try string(column.position) }
    @inline(__always) func numeric(_ column: some SourceColumn) throws -> PostgresNumeric? { try numeric(column.position) }
    @inline(__always) func scaledNumeric(_ column: some SourceColumn, scale: Int) throws -> ScaledNumeric? {
        try scaledNumeric(column.position, scale: scale)
    }
    @inline(__always) func withBytes<T>(_ column: some SourceColumn, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T? {
        try withBytes(column.position, body)
    }
}
