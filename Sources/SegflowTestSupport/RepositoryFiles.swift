import Foundation

/// Paths in the repository checkout, found from this source file's location.
public enum RepositoryFiles {
    /// The repository's root folder.
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // SegflowTestSupport
        .deletingLastPathComponent()  // Sources
        .deletingLastPathComponent()

    /// The absolute path of `relative` (e.g. `pipelines/default.yml`) in the repository.
    public static func path(_ relative: String) -> String {
        root.appendingPathComponent(relative).path
    }
}
