import Foundation

/// The SQL that ships with segflow, and the default pipeline.
///
/// `source/` holds the canonical source schema, `output/` the numbered migrations of the
/// output schema and `reference/` the plain-SQL implementation of the features (and, in
/// `reference/kpis/`, of the KPIs: the tests' oracle). `source/`,
/// `output/` and `pipelines/default.yml` are embedded in the binary at build time
/// (`EmbeddedFiles`, written by the EmbedFiles plugin), so an installed copy needs nothing
/// beside it; `SEGFLOW_SQL_DIR` makes segflow read the SQL from that folder instead.
/// `reference/` (tests, benchmarks) is read from this target's resource bundle.
public enum SegflowSQL {
    /// Read the SQL from this folder instead of the embedded copy.
    public static let overrideKey = "SEGFLOW_SQL_DIR"

    private static var override: URL? {
        guard let path = ProcessInfo.processInfo.environment[overrideKey], !path.isEmpty else { return nil }
        return URL(fileURLWithPath: path, isDirectory: true)
    }

    /// The folder on disk that holds `source/`, `output/` and `reference/`: the override, else
    /// the resource bundle (which an installed copy of the binary does not have).
    public static var directory: URL {
        override ?? Bundle.module.resourceURL ?? Bundle.module.bundleURL
    }

    /// The `.sql` files of one folder on disk, sorted by name.
    public static func files(in folder: String) throws -> [URL] {
        let url = directory.appendingPathComponent(folder, isDirectory: true)
        let names = try FileManager.default.contentsOfDirectory(atPath: url.path)
        return names.filter { $0.hasSuffix(".sql") }.sorted().map { url.appendingPathComponent($0) }
    }

    /// Names and texts of the `.sql` files directly in one folder, sorted by name: the
    /// embedded copy when it has the folder and no override is set, else from disk.
    public static func texts(in folder: String) throws -> [(name: String, text: String)] {
        let prefix = "sql/\(folder)/"
        let embedded = EmbeddedFiles.files.filter { $0.key.hasPrefix(prefix) && !$0.key.dropFirst(prefix.count).contains("/") }
        if override == nil, !embedded.isEmpty {
            return embedded.map { (String($0.key.dropFirst(prefix.count)), $0.value) }.sorted { $0.name < $1.name }
        }
        return try files(in: folder).map { ($0.lastPathComponent, try String(contentsOf: $0, encoding: .utf8)) }
    }

    /// The text of one file, by its path below the SQL folder (`source/001_schema.sql`).
    public static func text(_ relativePath: String) throws -> String {
        if override == nil, let embedded = EmbeddedFiles.files["sql/\(relativePath)"] { return embedded }
        return try String(contentsOf: directory.appendingPathComponent(relativePath), encoding: .utf8)
    }

    /// The text of `pipelines/default.yml` as it was when the binary was built.
    public static var defaultPipeline: String? { EmbeddedFiles.files["pipelines/default.yml"] }
}
