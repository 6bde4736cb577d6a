import PostgresClient

/// Where one source's rows come from: a table, or a SELECT that yields the canonical columns.
public enum SourceMapping: Sendable, Hashable {
    case table(String)
    case query(String)

    /// The default: `shop.<source>`.
    public static func defaultTable(for source: SourceName, schema: String = "shop") -> SourceMapping {
        .table("\(schema).\(source.rawValue)")
    }

    /// The relation to select from: a quoted table name or the parenthesised query.
    var fromClause: String {
        switch self {
        case .table(let name): PostgresQuery.quoteQualifiedName(name)
        case .query(let sql): "(\(sql)) as source"
        }
    }

    /// `COPY (select … where <event time> < cut-off) TO STDOUT (FORMAT binary)`.
    ///
    /// COPY takes no bind parameters, so the cut-off travels as the session setting
    /// `segflow.cutoff` (set with a bound value) and is read back with `current_setting`.
    func copyStatement(for source: SourceName, restrictToCutoff: Bool = true) -> String {
        let columns = zip(source.columns, source.columnTypes)
            .map { "\(PostgresQuery.quoteIdentifier($0))::\($1)" }
            .joined(separator: ", ")
        var sql = "select \(columns) from \(fromClause)"
        if restrictToCutoff, let time = source.eventTimeColumn {
            // Rows without a time are read too: the clean stage rejects them with a reason.
            let column = PostgresQuery.quoteIdentifier(time)
            sql += " where \(column) < current_setting('segflow.cutoff')::timestamptz or \(column) is null"
        }
        return "copy (\(sql)) to stdout (format binary)"
    }
}
