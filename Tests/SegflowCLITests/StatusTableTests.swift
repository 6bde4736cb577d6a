import Segflow
import SegflowTestSupport
import Testing
@testable import SegflowCLI

/// `segflow status`'s table over a real ledger.
@Suite struct StatusTableTests {
    @Test func theTableShowsEveryRunAndSnapshotAligned() throws {
        let fixture = try LedgerFixture.make("status_table")
        let overview = try RunHistory(connection: fixture.connection, schema: "segflow").overview(limit: 10)
        let lines = StatusTable(overview: overview).text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "runs in schema \"segflow\", newest first:")
        #expect(lines[1].hasPrefix("  RUN       COMMAND   AS OF       STATUS     STARTED (UTC)"))
        let done = try #require(lines.first { $0.hasPrefix("  \(fixture.succeeded.description.prefix(8))") })
        #expect(done.contains("  run       2026-06-30  succeeded  "))
        #expect(done.contains("2m00s"))
        #expect(done.contains("1200"))
        #expect(lines.contains { $0.contains("password=***") })
        #expect(!lines.contains { $0.contains("Hunter2Secret") })
        // The columns line up: every row's STATUS starts where the header's does.
        let statusColumn = try #require(lines[1].range(of: "STATUS")).lowerBound.utf16Offset(in: lines[1])
        for line in lines[2...4] {
            let status = String(line.dropFirst(statusColumn).prefix(7))
            #expect(["running", "failed ", "succeed"].contains(status), "\(line)")
        }
        #expect(lines.contains("published snapshots, newest first:"))
        #expect(lines.contains { $0.hasPrefix("  2026-06-30        190") })
    }
}
