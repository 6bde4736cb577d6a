import Testing
@testable import Segflow
import SegflowTestSupport

/// `snapshots.config_hash` and `runs.config_hash` hold these values: a change to the
/// reader or the canonical rendering must leave every one of them as it is.
@Suite struct ConfigHashTests {
    /// Every valid pipeline file of the repository (the fuzz corpus' others are broken on
    /// purpose), with the hash segflow recorded for it before issue 9. default.yml's hash changed
    /// legitimately once since: issue 10 added a models: section, two overlays on model features and
    /// the behaviour_clusters segmentation (new settings).
    static let recorded: [(file: String, hash: String)] = [
        ("pipelines/default.yml", "7dadf16a4cdfba5d7b19913ed8c3893811f86882ed652ddbb39416df37fd35ff"),
        ("pipelines/examples/custom-sources.yml", "14b2df22ddc5d5dac72d1379fa822af2a34096774baa32917ae239ce545d5222"),
        ("Fuzz/Corpus/pipeline-file/default.yml", "7dadf16a4cdfba5d7b19913ed8c3893811f86882ed652ddbb39416df37fd35ff"),
    ]

    @Test(arguments: recorded.map(\.file))
    func everyPipelineFileKeepsItsRecordedHash(_ file: String) throws {
        let configuration = try PipelineConfiguration.load(path: RepositoryFiles.path(file))
        let expected = Self.recorded.first { $0.file == file }?.hash
        #expect(configuration.configHash == expected, "\(file)")
    }
}
