import ArgumentParser
import Foundation
import Logging
import Segflow

/// Which pipeline file to use; loading it validates it before any data moves.
struct PipelineOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: ArgumentHelp("The pipeline file.", valueName: "file"))
    var pipeline: String = "pipelines/default.yml"

    /// The validated pipeline; on errors prints each as file:line:column and exits 2.
    func load() throws -> PipelineConfiguration {
        do {
            return try PipelineConfiguration.load(path: pipeline)
        } catch {
            for issue in error.issues {
                if LogBootstrap.isJSON {
                    Logger(label: "segflow").error("invalid pipeline file", metadata: ["error": "\(issue)", "file": "\(pipeline)"])
                } else {
                    FileHandle.standardError.write(Data("\(issue)\n".utf8))
                }
            }
            throw ExitCode(2)
        }
    }
}
