import PostgresClient

/// Where one source's rows come from: a table, or a SELECT that yields the canonical columns.
public enum SourceMapping: Sendable, Hashable {
    case table(String)
    case query(String)

    /// The default: `shop.<source>`.
    public static func defaultTable(for source: SourceName, schema: String = "shop") -> SourceMapping {
        .table("\(schema).\(source.rawValue)")
    }

    /// The relation to select from: a quoted table name or the parenthesised query. The
    /// newline ends a trailing `--` comment of the query before the wrapper goes on.
    package var fromClause: String {
        switch self {
        case .table(let name): PostgresQuery.quoteQualifiedName(name)
        case .query(let sql): "(\(sql)\n) as source"
        }
    }

    /// `COPY (select … where <event time> < cut-off) TO STDOUT (FORMAT binary)`.
    ///
    /// COPY takes no bind parameters. The cut-off is written into the statement as a
    /// literal segflow formats from its own value (`cutoffLiteral`), so nothing a mapping's
    /// query does in the session (such as `set_config`) can move it.
    func copyStatement(for source: SourceName, cutoff: PostgresTimestamp, restrictToCutoff: Bool = true) -> String {
        let columns = zip(source.columns, source.columnTypes)
            .map { "\(PostgresQuery.quoteIdentifier($0))::\($1)" }
            .joined(separator: ", ")
        var sql = "select \(columns) from \(fromClause)"
        if restrictToCutoff, let time = source.eventTimeColumn {
            // Rows without a time are read too: the clean stage rejects them with a reason.
            let column = PostgresQuery.quoteIdentifier(time)
            sql += " where \(column) < \(Self.cutoffLiteral(cutoff)) or \(column) is null"
        }
        return "copy (\(sql)) to stdout (format binary)"
    }

    /// The cut-off as SQL: `'2026-07-01 00:00:00+00'::timestamptz`. Safe to splice: the text
    /// is digits and separators `PostgresTimestamp` prints, never user input.
    static func cutoffLiteral(_ cutoff: PostgresTimestamp) -> String {
        "'\(cutoff)'::timestamptz"
    }
}
