import Foundation

/// The SQL that ships with segflow, found at run time in this target's resource bundle.
///
/// `source/` holds the canonical source schema, `output/` the numbered migrations of the
/// output schema and `reference/` the plain-SQL implementation of the features.
public enum SegflowSQL {
    /// The folder that holds `source/`, `output/` and `reference/`.
    public static var directory: URL {
        if let override = ProcessInfo.processInfo.environment["SEGFLOW_SQL_DIR"], !override.isEmpty {
            return URL(fileURLWithPath: override, isDirectory: true)
        }
        return Bundle.module.resourceURL ?? Bundle.module.bundleURL
    }

    /// The `.sql` files of one folder, sorted by name.
    public static func files(in folder: String) throws -> [URL] {
        let url = directory.appendingPathComponent(folder, isDirectory: true)
        let names = try FileManager.default.contentsOfDirectory(atPath: url.path)
        return names.filter { $0.hasSuffix(".sql") }.sorted().map { url.appendingPathComponent($0) }
    }

    /// The text of one file, by its path below the SQL folder (`source/001_schema.sql`).
    public static func text(_ relativePath: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(relativePath), encoding: .utf8)
    }
}
