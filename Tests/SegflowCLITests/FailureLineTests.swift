import Foundation
import SegflowTestSupport
import Testing

/// Every command reports a failure the same way: `segflow: <error>` on standard error (each
/// line of a multi-line error prefixed), with the exit code its error's code decides.
@Suite struct FailureLineTests {
    /// Nothing listens on port 1: a refused connection, a temporary failure (75).
    static let unreachable = "host=127.0.0.1 port=1 dbname=x user=x"

    @Test func statusAndValidateReportAnUnreachableDatabaseAlike() throws {
        let status = try SegflowExecutable.run(["status", "-d", Self.unreachable, "--schema", "segflow", "--log-format", "text"])
        #expect(status.status == 75, "\(status)")
        #expect(status.standardError.hasPrefix("segflow: "), "\(status)")

        let validate = try SegflowExecutable.run([
            "validate", "-d", Self.unreachable, "--pipeline", RepositoryFiles.path("pipelines/default.yml"), "--log-format", "text",
        ])
        #expect(validate.status == 75, "\(validate)")
        #expect(validate.standardError.hasPrefix("segflow: cannot check the source tables: "), "\(validate)")
    }

    @Test func eachProblemOfAPipelineFileIsOneFailureLine() throws {
        let broken = try RunTestStore.unreadablePipelineFile()
        defer { try? FileManager.default.removeItem(at: broken) }
        let outcome = try SegflowExecutable.run(["run", "--pipeline", broken.path, "--as-of", "2026-06-30", "--log-format", "text"])
        #expect(outcome.status == 2, "\(outcome)")
        let lines = outcome.standardError.split(separator: "\n")
        #expect(!lines.isEmpty)
        #expect(lines.allSatisfy { $0.hasPrefix("segflow: \(broken.path):") }, "\(outcome)")
    }
}
