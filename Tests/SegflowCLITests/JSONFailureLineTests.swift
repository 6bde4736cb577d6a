import Foundation
import SegflowTestSupport
import Testing
@testable import Segflow
@testable import SegflowGenerator

/// With `--log-format json` every line segflow writes to standard error is JSON, failures
/// included (the final reason, gate breaches, pipeline file errors), at level error with an
/// `error` key; the gate message shows enough digits to say why it failed.
@Suite(.serialized) struct JSONFailureLineTests {
    private func jsonLines(_ text: String) -> [[String: Any]] {
        text.split(separator: "\n").map { line in
            let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
            #expect(object != nil, "not a JSON line: \(line)")
            return object ?? [:]
        }
    }

    @Test func aGateFailureIsJSONToTheLastLine() throws {
        let store = try RunTestStore.make("json_gate", customers: 300, seed: 4)
        let file = try RunTestStore.pipelineFileFailingAGate()
        defer { try? FileManager.default.removeItem(atPath: file) }
        let outcome = try SegflowExecutable.run([
            "run", "-d", store.connectionString, "--pipeline", file, "--as-of", GeneratorConfiguration.defaultEndDay.description,
            "--workers", "2", "--log-format", "json",
        ])
        #expect(outcome.status == 65, "\(outcome)")
        let lines = jsonLines(outcome.standardError)
        let finished = try #require(lines.first { $0["msg"] as? String == "run finished" }, "\(outcome)")
        #expect(finished["level"] as? String == "error")
        #expect((finished["error"] as? String)?.contains("min_rows") == true, "\(finished)")
        let last = try #require(lines.last)
        #expect(last["level"] as? String == "error")
        #expect((last["error"] as? String)?.contains("quality gate failed") == true, "\(last)")
        #expect(last["exit_code"] as? String == "65")
        #expect(last["code"] as? String == "qualityGateFailed")
    }

    @Test func pipelineFileErrorsAndGivingUpAreJSON() throws {
        let broken = try RunTestStore.unreadablePipelineFile()
        defer { try? FileManager.default.removeItem(at: broken) }
        let invalid = try SegflowExecutable.run(["run", "--pipeline", broken.path, "--as-of", "2026-06-30", "--log-format", "json"])
        #expect(invalid.status == 2, "\(invalid)")
        let issues = jsonLines(invalid.standardError)
        #expect(!issues.isEmpty)
        #expect(issues.allSatisfy { $0["level"] as? String == "error" && ($0["error"] as? String)?.contains(broken.lastPathComponent) == true },
                "\(invalid)")

        // Nothing listens on port 1: transient failures until --retry-for, then "gave up".
        let gaveUp = try SegflowExecutable.run([
            "run", "-d", "host=127.0.0.1 port=1 dbname=x user=x", "--pipeline", RepositoryFiles.path("pipelines/default.yml"),
            "--as-of", "2026-06-30", "--retry-for", "1", "--log-format", "json",
        ], timeout: 60)
        #expect(gaveUp.status == 75, "\(gaveUp)")
        let last = try #require(jsonLines(gaveUp.standardError).last)
        #expect(last["level"] as? String == "error")
        #expect((last["error"] as? String)?.contains("gave up after") == true, "\(last)")
        #expect(last["code"] as? String == "transientFailure")
    }

    @Test func aUsageErrorIsJSONWhenJSONWasAskedFor() throws {
        for arguments in [["run", "--as-of", "yesterday", "--log-format", "json"], ["run", "--log-format=json", "--no-such-flag"]] {
            let outcome = try SegflowExecutable.run(arguments)
            #expect(outcome.status == 2, "\(outcome)")
            let lines = jsonLines(outcome.standardError)
            #expect(lines.count == 1, "\(outcome)")
            #expect(lines.first?["level"] as? String == "error")
            #expect((lines.first?["error"] as? String)?.isEmpty == false, "\(outcome)")
        }
    }

    @Test func theGateMessageShowsWhyItFailed() {
        let message = QualityGateCheck.rateBreach(rate: 106.0 / 101_886.0, max: 0.0005, rejected: 106, rowsIn: 101_886)
        #expect(message == "quarantine rate 0.104% > max 0.050% (106 of 101886 rows rejected, by 0.054%)", "\(message)")
        let close = QualityGateCheck.rateBreach(rate: 0.000504, max: 0.0005, rejected: 504, rowsIn: 1_000_000)
        #expect(close == "quarantine rate 0.0504% > max 0.0500% (504 of 1000000 rows rejected, by 0.0004%)", "\(close)")
    }
}
