import Testing
@testable import Segflow
import SegflowTestSupport

/// `snapshots.config_hash` and `runs.config_hash` hold these values: a change to the
/// reader or the canonical rendering must leave every one of them as it is.
@Suite struct ConfigHashTests {
    /// Every valid pipeline file of the repository (the fuzz corpus' others are broken on
    /// purpose), with the hash segflow recorded for it before issue 9. pipelines/default.yml (and
    /// its copy in the fuzz corpus) changed on purpose in issue 10 (a models: section and two
    /// overlays on model features): a new catalog, a new hash.
    static let recorded: [(file: String, hash: String)] = [
        ("pipelines/default.yml", "35957b2deaeed0a80d9405fd412f1407bac434d7c8d6f210bc57189bdd480b53"),
        ("pipelines/examples/custom-sources.yml", "14b2df22ddc5d5dac72d1379fa822af2a34096774baa32917ae239ce545d5222"),
        ("Fuzz/Corpus/pipeline-file/default.yml", "35957b2deaeed0a80d9405fd412f1407bac434d7c8d6f210bc57189bdd480b53"),
    ]

    @Test(arguments: recorded.map(\.file))
    func everyPipelineFileKeepsItsRecordedHash(_ file: String) throws {
        let configuration = try PipelineConfiguration.load(path: RepositoryFiles.path(file))
        let expected = Self.recorded.first { $0.file == file }?.hash
        #expect(configuration.configHash == expected, "\(file)")
    }
}
