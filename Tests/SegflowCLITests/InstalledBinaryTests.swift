import Foundation
import SegflowSQL
import SegflowTestSupport
import Testing
@testable import SegflowGenerator
@testable import SegflowPipelineFile
@testable import SegflowPublish

/// An installed segflow is one file: a copy of the binary alone in a folder, run with the
/// working directory `/`, migrates, generates, validates and runs against a database with
/// the default pipeline and the SQL built into it; `demo` too.
@Suite(.serialized) struct InstalledBinaryTests {
    @Test func aLoneCopiedBinaryWorksFromTheRootDirectory() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("segflow-installed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let binary = folder.appendingPathComponent("segflow")
        try FileManager.default.copyItem(at: try SegflowExecutable.url(), to: binary)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["segflow"])

        let database = try TestPostgres.makeDatabase(prefix: "installed")
        let root = URL(fileURLWithPath: "/")
        // Nothing may lead it back to the checkout.
        let environment = ["DATABASE_URL": database.connectionString, SegflowSQL.overrideKey: ""]
        func segflow(_ arguments: [String]) throws -> SegflowExecutable.Outcome {
            let outcome = try SegflowExecutable.start(arguments + ["--log-format", "text"], environment: environment,
                                                      directory: root, executable: binary).wait(timeout: 300)
            #expect(outcome.status == 0, "segflow \(arguments.joined(separator: " ")): \(outcome)")
            return outcome
        }
        let migrate = try segflow(["migrate"])
        #expect(migrate.standardOutput.contains("migrations applied"), "\(migrate)")
        _ = try segflow(["generate", "--customers", "300", "--seed", "2", "--workers", "2"])
        let validate = try segflow(["validate"])
        #expect(validate.standardOutput.contains("\(PipelineConfiguration.builtInFile): valid"), "\(validate)")
        let run = try segflow(["run", "--as-of", GeneratorConfiguration.defaultEndDay.description, "--workers", "2"])
        #expect(run.standardOutput.contains("published"), "\(run)")
        let demo = try segflow(["demo", "--customers", "300"])
        #expect(demo.standardOutput.contains("segment_kpis"), "\(demo)")

        // The same snapshot as the checkout's pipeline file would give: same configuration hash.
        let store = RunTestStore(connectionString: database.connectionString)
        let pipeline = try PipelineConfiguration.load(path: RepositoryFiles.path("pipelines/default.yml"))
        #expect(try store.rows("select s.config_hash, r.pipeline_file from segflow.snapshots s join segflow.runs r using (run_id)")
            == [[pipeline.configHash, PipelineConfiguration.builtInFile]])
    }

    @Test func theEmbeddedFilesAreTheRepositorysFiles() throws {
        let embedded = EmbeddedFiles.files
        #expect(embedded["pipelines/default.yml"] == (try String(contentsOfFile: RepositoryFiles.path("pipelines/default.yml"), encoding: .utf8)))
        for folder in ["sql/source", "sql/output"] {
            let names = try FileManager.default.contentsOfDirectory(atPath: RepositoryFiles.path(folder)).filter { $0.hasSuffix(".sql") }
            #expect(!names.isEmpty)
            for name in names {
                let path = "\(folder)/\(name)"
                #expect(embedded[path] == (try String(contentsOfFile: RepositoryFiles.path(path), encoding: .utf8)), "\(path)")
            }
        }
        let versions = try Migration.bundled().map(\.version)
        #expect(versions == Array(1...versions.count))
    }
}
