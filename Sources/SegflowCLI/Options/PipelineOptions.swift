import ArgumentParser
import Foundation
import Segflow

/// Which pipeline file to use; loading it validates it before any data moves.
///
/// Without `--pipeline`: `./pipelines/default.yml` when it exists (a checkout, or an
/// installed layout that keeps its own copy), else the default pipeline built into the
/// binary, so an installed segflow works from any directory.
struct PipelineOptions: ParsableArguments {
    static let defaultPath = "pipelines/default.yml"

    @Option(name: .shortAndLong, help: ArgumentHelp(
        "The pipeline file (default: ./pipelines/default.yml if it exists, else the default pipeline built into segflow).",
        valueName: "file"
    ))
    var pipeline: String?

    /// Where the pipeline comes from: a file, or the built-in default (its YAML).
    enum Source {
        case file(String)
        case builtIn(yaml: String)

        /// The name messages (`file:line:column`) and the ledger use.
        var name: String {
            switch self {
            case .file(let path): path
            case .builtIn: PipelineConfiguration.builtInFile
            }
        }
    }

    var source: Source {
        if let pipeline { return .file(pipeline) }
        if FileManager.default.fileExists(atPath: Self.defaultPath) { return .file(Self.defaultPath) }
        if let yaml = PipelineConfiguration.builtInYAML { return .builtIn(yaml: yaml) }
        return .file(Self.defaultPath)
    }

    /// The validated pipeline, or a `PipelineValidationError` with every problem as
    /// file:line:column (a usage error, exit 2).
    func load() throws -> PipelineConfiguration {
        let source = source
        switch source {
        case .file(let path): return try PipelineConfiguration.load(path: path)
        case .builtIn(let yaml): return try PipelineConfiguration.parse(yaml: yaml, file: source.name)
        }
    }
}
