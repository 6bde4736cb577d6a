import Foundation

/// A statement whose interpolated values become bind parameters (`$1`, `$2`, …), never SQL text.
///
/// ```swift
/// let query: PostgresQuery = "select * from \(identifier: schema).runs where as_of = \(asOf)"
/// ```
/// `\(identifier:)` quotes a name (for schemas and tables that come from configuration);
/// `\(unescaped:)` splices trusted SQL text and is meant for fragments the code builds itself.
public struct PostgresQuery: Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
    public var sql: String
    /// Text representations of the bound values; nil is SQL NULL.
    public var binds: [String?]

    public init(unsafeSQL sql: String, binds: [String?] = []) {
        self.sql = sql
        self.binds = binds
    }

    public init(stringLiteral value: String) {
        self.init(unsafeSQL: value)
    }

    public init(stringInterpolation: StringInterpolation) {
        self.init(unsafeSQL: stringInterpolation.sql, binds: stringInterpolation.binds)
    }

    /// The statement text only: bound values are not shown, so it is safe to log.
    public var description: String { sql }

    public struct StringInterpolation: StringInterpolationProtocol {
        var sql = ""
        var binds: [String?] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            sql.reserveCapacity(literalCapacity + interpolationCount * 3)
        }

        public mutating func appendLiteral(_ literal: String) {
            sql += literal
        }

        public mutating func appendInterpolation(_ value: (some PostgresBindable)?) {
            binds.append(value?.postgresText)
            sql += "$\(binds.count)"
        }

        public mutating func appendInterpolation(identifier: String) {
            sql += PostgresQuery.quoteIdentifier(identifier)
        }

        /// A possibly schema-qualified name (`shop.orders`), each part quoted.
        public mutating func appendInterpolation(qualifiedName: String) {
            sql += PostgresQuery.quoteQualifiedName(qualifiedName)
        }

        public mutating func appendInterpolation(unescaped fragment: String) {
            sql += fragment
        }
    }

    /// `"name"` with embedded quotes doubled: safe for any name.
    public static func quoteIdentifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Quotes each dot-separated part of `schema.table`.
    public static func quoteQualifiedName(_ name: String) -> String {
        name.split(separator: ".", omittingEmptySubsequences: false).map { quoteIdentifier(String($0)) }.joined(separator: ".")
    }
}

/// A value that can be bound to a statement parameter (sent in PostgreSQL's text format).
public protocol PostgresBindable: Sendable {
    var postgresText: String { get }
}

extension String: PostgresBindable { public var postgresText: String { self } }
extension Int: PostgresBindable { public var postgresText: String { String(self) } }
extension Int64: PostgresBindable { public var postgresText: String { String(self) } }
extension Int32: PostgresBindable { public var postgresText: String { String(self) } }
extension Int16: PostgresBindable { public var postgresText: String { String(self) } }
extension Bool: PostgresBindable { public var postgresText: String { self ? "true" : "false" } }
extension Double: PostgresBindable {
    public var postgresText: String {
        if isNaN { return "NaN" }
        if isInfinite { return self > 0 ? "Infinity" : "-Infinity" }
        return "\(self)"
    }
}
extension PostgresDate: PostgresBindable { public var postgresText: String { description } }
extension PostgresTimestamp: PostgresBindable { public var postgresText: String { description } }
extension PostgresNumeric: PostgresBindable { public var postgresText: String { description } }
extension UUID: PostgresBindable { public var postgresText: String { uuidString.lowercased() } }
