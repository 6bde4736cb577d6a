import Foundation
import SegflowEngine
import SegflowSQL

/// One numbered migration of the output schema: `sql/output/NNNN_name.sql`.
///
/// Files use unqualified names; the migrator runs them with `search_path` set to the
/// quoted output schema, so the schema can have any name.
public struct Migration: Sendable, Hashable {
    public var version: Int
    public var name: String
    public var sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// SHA-256 of the text with line endings normalised, so a CRLF checkout of the same
    /// file does not look like an edited migration.
    public var checksum: String {
        SHA256.hex(Array(sql.replacingOccurrences(of: "\r\n", with: "\n").utf8))
    }

    /// The migrations that ship with this build, in version order.
    public static func bundled() throws -> [Migration] {
        try load(named: SegflowSQL.texts(in: "output"))
    }

    /// Parses `NNNN_name.sql` files; rejects other names and duplicate versions.
    public static func load(from files: [URL]) throws -> [Migration] {
        try load(named: files.map { ($0.lastPathComponent, try String(contentsOf: $0, encoding: .utf8)) })
    }

    /// Parses migrations given as file name (`NNNN_name.sql`) and text.
    public static func load(named files: [(name: String, text: String)]) throws -> [Migration] {
        var migrations: [Migration] = []
        for (fileName, sql) in files {
            let base = URL(fileURLWithPath: fileName).deletingPathExtension().lastPathComponent
            guard let underscore = base.firstIndex(of: "_"),
                  let version = Int(base[..<underscore]), version > 0,
                  base[..<underscore].allSatisfy(\.isASCII)
            else {
                throw MigrationFileError(file: fileName, problem: "expected NNNN_name.sql")
            }
            migrations.append(Migration(version: version, name: String(base[base.index(after: underscore)...]), sql: sql))
        }
        migrations.sort { $0.version < $1.version }
        for (previous, next) in zip(migrations, migrations.dropFirst()) where previous.version == next.version {
            throw MigrationFileError(file: "\(previous.name) and \(next.name)", problem: "both have version \(next.version)")
        }
        return migrations
    }
}
