import Foundation
import PackagePlugin

/// Embeds what the `segflow` binary needs at run time (the source schema, the output
/// migrations, the default pipeline) into `SegflowSQL` as a generated Swift
/// source, so that a lone copied binary works from any directory. Runs on every build:
/// a new migration or an edited file is picked up without a step to remember.
@main
struct EmbedFiles: BuildToolPlugin {
    /// Folders (every `.sql` below them) and files, relative to the package root.
    static let folders = ["sql/source", "sql/output"]
    static let files = ["pipelines/default.yml"]

    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let root = context.package.directoryURL
        var relative: [String] = Self.files
        for folder in Self.folders {
            let base = root.appending(path: folder)
            guard let walker = FileManager.default.enumerator(atPath: base.path) else { continue }
            for case let path as String in walker where path.hasSuffix(".sql") {
                relative.append("\(folder)/\(path)")
            }
        }
        relative.sort()
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedFiles.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(relative.count) files into \(target.name)",
                executable: try context.tool(named: "segflow-embed").url,
                arguments: [output.path, root.path] + relative,
                inputFiles: relative.map { root.appending(path: $0) },
                outputFiles: [output]
            ),
        ]
    }
}
