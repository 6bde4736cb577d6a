import ArgumentParser
import Foundation
import Segflow
import SegflowTestSupport
import Testing
@testable import SegflowCLI

/// `segflow backfill` ends with the exit code of its failure.
@Suite struct BackfillCommandTests {
    @Test func theBackfillCommandExitsWith65OnABreachedGate() throws {
        let store = try RunTestStore.make("gates_cli", customers: 300, seed: 9)
        let file = try RunTestStore.pipelineFileFailingAGate()
        defer { try? FileManager.default.removeItem(atPath: file) }
        let command = try BackfillCommand.parse([
            "-d", store.connectionString, "--pipeline", file, "--from", "2026-06-30", "--to", "2026-06-30",
            "--every", "day", "--log-level", "error", "--log-format", "json",
        ])
        #expect {
            try command.run()
        } throws: { error in
            (error as? ExitCode)?.rawValue == 65
        }
        #expect(try store.count("select count(*) from segflow.snapshots") == 0)
    }
}
