import Foundation
import Logging
import Synchronization
import Testing
@testable import SegflowCLI

@Suite struct LogHandlerTests {
    /// Collects what a handler writes.
    final class Lines: Sendable {
        private let storage = Mutex<[String]>([])
        var all: [String] { storage.withLock { $0 } }
        var write: @Sendable (String) -> Void { { line in self.storage.withLock { $0.append(line) } } }
    }

    /// 2026-06-30T14:05:31.204Z
    private static let instant = Date(timeIntervalSince1970: 1_782_828_331.204)

    /// A logger of a run, as the runner sets it up: run id and as_of on the logger, the stage per line.
    private func runLogger(_ handler: some LogHandler) -> Logger {
        var logger = Logger(label: "segflow") { _ in handler }
        logger.logLevel = .debug
        logger[metadataKey: "run_id"] = "5f0c2a9e-0000-4000-8000-000000000001"
        logger[metadataKey: "as_of"] = "2026-06-30"
        return logger
    }

    @Test func jsonLinesCarryTimestampLevelLabelMessageAndAllMetadata() throws {
        let lines = Lines()
        let logger = runLogger(JSONLogHandler(label: "segflow.run", write: lines.write, now: { Self.instant }))
        logger.info("extracted", metadata: ["stage": "extract", "source": "orders", "rows_in": "1200", "seconds": "0.42"])
        logger.debug("detail", metadata: ["msg": "metadata cannot replace the message", "nested": ["a": "1"]])

        #expect(lines.all.count == 2)
        #expect(lines.all.allSatisfy { $0.hasSuffix("}\n") && $0.filter { $0 == "\n" }.count == 1 })
        let first = try #require(try JSONSerialization.jsonObject(with: Data(lines.all[0].utf8)) as? [String: String])
        #expect(first == [
            "ts": "2026-06-30T14:05:31.204Z", "level": "info", "logger": "segflow.run", "msg": "extracted",
            "run_id": "5f0c2a9e-0000-4000-8000-000000000001", "as_of": "2026-06-30", "stage": "extract",
            "source": "orders", "rows_in": "1200", "seconds": "0.42",
        ])
        let second = try #require(try JSONSerialization.jsonObject(with: Data(lines.all[1].utf8)) as? [String: Any])
        #expect(second["msg"] as? String == "detail")
        #expect(second["level"] as? String == "debug")
        #expect(second["nested"] as? [String: String] == ["a": "1"])
        #expect(second["run_id"] as? String == "5f0c2a9e-0000-4000-8000-000000000001")
    }

    @Test func textLinesShowRunIDStageAndAsOfFirstThenTheRestSorted() {
        let lines = Lines()
        let logger = runLogger(TextLogHandler(label: "segflow.run", write: lines.write, now: { Self.instant }))
        logger.info("extracted", metadata: ["stage": "extract", "source": "orders", "rows_in": "1200", "seconds": "0.42"])
        logger.warning("ledger connection lost; reconnecting", metadata: ["error": "server closed the connection"])
        #expect(lines.all == [
            "14:05:31.204 info    extracted run_id=5f0c2a9e-0000-4000-8000-000000000001 stage=extract as_of=2026-06-30 rows_in=1200 seconds=0.42 source=orders\n",
            "14:05:31.204 warning ledger connection lost; reconnecting run_id=5f0c2a9e-0000-4000-8000-000000000001 as_of=2026-06-30 error=\"server closed the connection\"\n",
        ])
    }

    @Test func levelsBelowTheHandlersAreDropped() {
        let lines = Lines()
        var logger = runLogger(TextLogHandler(label: "segflow", write: lines.write))
        logger.logLevel = .warning
        logger.info("not shown")
        logger.error("shown")
        #expect(lines.all.count == 1)
        #expect(lines.all.first?.contains("error   shown") == true)
    }

    @Test func passwordsInMessagesAndMetadataAreMaskedInBothFormats() {
        for json in [false, true] {
            let lines = Lines()
            let handler: any LogHandler = json ? JSONLogHandler(label: "segflow", write: lines.write)
                : TextLogHandler(label: "segflow", write: lines.write)
            let logger = Logger(label: "segflow") { _ in handler }
            logger.error("cannot connect to host=db password=Hunter2Secret dbname=shop",
                         metadata: ["url": "postgresql://app:Hunter2Secret@db/shop", "conninfo": "password='Hunter2 Secret'"])
            let output = lines.all.joined()
            #expect(!output.contains("Hunter2"), "\(output)")
            #expect(output.contains("password=***"))
            #expect(output.contains("app:***@db"))
        }
    }
}
