/// Where one source's rows come from: a table, or a query whose result has the source's columns.
public enum SourceSpecification: Sendable, Hashable {
    /// A `schema.table` name.
    case table(String)
    /// A SELECT, used as a subquery.
    case query(String)

    /// The default: `shop.<source>`.
    public static func defaultTable(for kind: SourceKind) -> SourceSpecification {
        .table("shop.\(kind.rawValue)")
    }

    /// SQL usable after FROM: the table name, or the parenthesised query with an alias.
    public func fromClause(alias: String) -> String {
        switch self {
        case .table(let name): "\(name) as \(alias)"
        case .query(let sql): "(\(sql)) as \(alias)"
        }
    }
}
