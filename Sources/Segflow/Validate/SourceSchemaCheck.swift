import Logging
import PostgresClient
import SegflowEngine
import SegflowPipelineFile

/// Checks that a source's table or query yields every canonical column the extract stage
/// reads, with a type its COPY statement can cast (`SourceMapping.copyStatement`).
///
/// Only reads: the connection is switched to read-only transactions and every probe is a
/// `limit 0` select, so a query mapping runs but returns nothing.
struct SourceSchemaCheck {
    let connection: PostgresConnection
    let file: String

    /// Type OIDs of the canonical column types, to skip probing exact matches.
    private static let typeOIDs: [String: UInt32] = [
        "bool": 16, "int8": 20, "int4": 23, "text": 25, "float8": 701, "date": 1082, "timestamptz": 1184, "numeric": 1700,
    ]
    /// text, varchar, bpchar and name: castable to anything, but value by value.
    private static let textOIDs: Set<UInt32> = [25, 1043, 1042, 19]

    init(connection: PostgresConnection, file: String) throws {
        self.connection = connection
        self.file = file
        try connection.simpleQuery("set default_transaction_read_only = on")
        // `limit 0` is cheap for tables; a heavy query mapping may still plan and sort.
        try connection.simpleQuery("set statement_timeout = '60s'")
    }

    func issues(for located: LocatedSource) throws -> [PipelineIssue] {
        let source = located.source
        let what = Self.describe(located)
        func issue(_ message: String, code: String, severity: PipelineIssue.Severity = .error) -> PipelineIssue {
            PipelineIssue(file: file, line: located.line, column: located.column,
                          message: "source '\(source.rawValue)': \(message)", severity: severity, code: code)
        }

        let described: PostgresResult
        do {
            described = try connection.execute(PostgresQuery(unsafeSQL: "select * from \(located.mapping.fromClause) limit 0"))
        } catch let error as PostgresError where (error.code == .server && error.sqlState != "55P03") || error.isCancellation {
            // 55P03 (lock_timeout) is not the mapping's fault: the caller's wait ended, rethrown.
            let problem = Self.relationIssue(error, what: what, mapping: located.mapping)
            return [issue(problem.message, code: problem.code)]
        }

        var issues: [PipelineIssue] = []
        let names = described.columnNames
        let types = described.columnTypes
        for (column, type) in zip(source.columns, source.columnTypes) {
            guard let index = names.firstIndex(of: column) else {
                issues.append(issue("\(what) has no column '\(column)' (segflow reads it as \(type))", code: "missing_column"))
                continue
            }
            let actual = types[index]
            if actual == Self.typeOIDs[type] { continue }
            do {
                let probe = "select \(PostgresQuery.quoteIdentifier(column))::\(type) from \(located.mapping.fromClause) limit 0"
                try connection.execute(PostgresQuery(unsafeSQL: probe))
            } catch let error as PostgresError where error.code == .server {
                guard error.sqlState == "42846" || error.sqlState == "42804" else { throw error }
                issues.append(issue("column '\(column)' of \(what) is \(try typeName(actual)), which cannot be read as \(type)",
                                    code: "column_type"))
                continue
            }
            if Self.textOIDs.contains(actual), type != "text" {
                issues.append(issue(
                    "column '\(column)' of \(what) is \(try typeName(actual)): each value is converted to \(type) when read, "
                        + "and one that does not convert fails the run", code: "column_converted", severity: .warning))
            }
        }
        return issues
    }

    private func typeName(_ oid: UInt32) throws -> String {
        try connection.execute("select format_type(\(Int(oid))::oid, null) as name").rows.first?["name"].string ?? "type \(oid)"
    }

    private static func describe(_ located: LocatedSource) -> String {
        switch located.mapping {
        case .table(let name): located.isDefault ? "table \(name) (the default; the file does not map this source)" : "table \(name)"
        case .query: "the query"
        }
    }

    /// Why selecting from the table or query failed, as a message and code.
    private static func relationIssue(_ error: PostgresError, what: String, mapping: SourceMapping) -> (message: String, code: String) {
        switch (error.sqlState, mapping) {
        case ("42P01", .table), ("3F000", .table):
            return ("\(what) does not exist", "missing_table")
        case ("42501", _):
            return ("\(what) cannot be read: \(error.message)", "permission_denied")
        case (_, .table):
            return ("\(what) cannot be read: \(error.message)", "source_error")
        case (_, .query):
            return ("the query fails: \(error.message)", "source_error")
        }
    }
}
