/// The PostgreSQL server programs (`initdb`, `pg_ctl`, `postgres`) could not be found.
///
/// The description lists every place that was searched and says how to install
/// them, so a developer on a fresh machine knows what to do next.
public struct PostgresBinariesNotFoundError: Error, CustomStringConvertible, Sendable {
    /// Where we looked, in order, with the reason each place was rejected.
    public let searched: [String]

    public init(searched: [String]) {
        self.searched = searched
    }

    public var description: String {
        var lines = ["LocalPostgres: PostgreSQL server binaries (initdb, pg_ctl, postgres) not found."]
        if !searched.isEmpty {
            lines.append("Searched:")
            lines += searched.map { "  - \($0)" }
        }
        lines.append("Install them with `apt-get install postgresql` (Debian/Ubuntu; or run scripts/install-deps.sh),")
        lines.append("or point SEGFLOW_PG_BIN at a directory that holds initdb and pg_ctl.")
        return lines.joined(separator: "\n")
    }
}
