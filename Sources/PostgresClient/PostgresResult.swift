import CLibPQ

/// The rows of a finished statement. Owns its `PGresult` and frees it exactly once.
public final class PostgresResult {
    private let handle: OpaquePointer

    /// Takes ownership of `handle`.
    init(owning handle: OpaquePointer) {
        self.handle = handle
    }

    deinit {
        PQclear(handle)
    }

    public var rowCount: Int { Int(PQntuples(handle)) }
    public var columnCount: Int { Int(PQnfields(handle)) }

    /// Rows affected by INSERT, UPDATE, DELETE, COPY…; 0 when the server reports none.
    public var affectedRows: Int {
        guard let text = PQcmdTuples(handle) else { return 0 }
        return Int(String(cString: text)) ?? 0
    }

    public lazy var columnNames: [String] = (0..<columnCount).map { column in
        PQfname(handle, Int32(column)).map { String(cString: $0) } ?? ""
    }

    /// The type OID of each column (23 int4, 20 int8, 25 text, 1700 numeric, 1184 timestamptz, …).
    public var columnTypes: [UInt32] {
        (0..<columnCount).map { UInt32(PQftype(handle, Int32($0))) }
    }

    public func columnIndex(_ name: String) -> Int? {
        columnNames.firstIndex(of: name)
    }

    public subscript(row: Int) -> PostgresRow {
        PostgresRow(result: self, row: row)
    }

    public var rows: [PostgresRow] {
        (0..<rowCount).map { PostgresRow(result: self, row: $0) }
    }

    /// The text of one cell in PostgreSQL's text format; nil for NULL.
    func text(row: Int, column: Int) -> String? {
        guard row < rowCount, column < columnCount, PQgetisnull(handle, Int32(row), Int32(column)) == 0,
              let value = PQgetvalue(handle, Int32(row), Int32(column)) else { return nil }
        return String(cString: value)
    }
}

/// One row of a `PostgresResult`; values decode from PostgreSQL's text format.
public struct PostgresRow {
    let result: PostgresResult
    let row: Int

    public subscript(column: Int) -> PostgresCell {
        PostgresCell(text: result.text(row: row, column: column), column: result.columnNames[column])
    }

    /// The cell of a named column; a NULL cell if there is no such column.
    public subscript(name: String) -> PostgresCell {
        guard let column = result.columnIndex(name) else { return PostgresCell(text: nil, column: name) }
        return self[column]
    }
}

/// One value of a row, in PostgreSQL's text format.
public struct PostgresCell: Sendable {
    /// The raw text; nil for NULL.
    public let text: String?
    public let column: String

    public var isNull: Bool { text == nil }
    public var string: String? { text }
    public var int: Int? { text.flatMap { Int($0) } }
    public var int64: Int64? { text.flatMap { Int64($0) } }
    public var double: Double? { text.flatMap { Double($0) } }
    public var bool: Bool? { text.map { $0 == "t" || $0 == "true" } }
    public var date: PostgresDate? { text.flatMap { PostgresDate(iso: $0) } }
    /// Needs the session's DateStyle ISO (the connection sets it).
    public var timestamp: PostgresTimestamp? { text.flatMap { PostgresTimestamp(iso: $0) } }
    public var numeric: PostgresNumeric? { text.flatMap { PostgresNumeric($0) } }

    /// The value decoded as `T`, or a decoding error naming the column.
    public func decode<T>(_ type: T.Type = T.self, _ decode: (PostgresCell) -> T?) throws -> T {
        guard let value = decode(self) else {
            throw PostgresError(code: .decoding, message: "column \(column): cannot read \(text == nil ? "NULL" : "'\(text ?? "")'") as \(T.self)")
        }
        return value
    }
}
