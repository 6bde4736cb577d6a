import Foundation
import SegflowTestSupport
import Testing

/// `segflow validate` as a user runs it: output and exit status of the real executable.
@Suite struct ValidateCommandTests {
    private func write(_ yaml: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("segflow-validate-\(UUID().uuidString).yml")
        try yaml.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    private static let broken = """
    version: 1
    name: broken
    timezone: UTC
    base_currency: EUR
    quality_gates:
      orders: { max_staleness: soon }
    segmentations:
      - key: main
        primary: true
        segments:
          - { key: buyers, rule: "frequncy >= 1" }
    """

    @Test func problemsPrintAsFileLineColumnAndExitTwo() throws {
        let file = try write(Self.broken)
        defer { try? FileManager.default.removeItem(at: file) }
        let outcome = try SegflowExecutable.run(["validate", "--no-database", "--pipeline", file.path])
        #expect(outcome.status == 2, "\(outcome)")
        let lines = outcome.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.count == 4, "\(outcome)")
        #expect(lines[0].hasPrefix("\(file.path):6:28: max_staleness 'soon' must be"))
        #expect(lines[1].hasPrefix("\(file.path):11:9: exclusive segmentation 'main' must end with a catch-all"))
        #expect(lines[2] == "\(file.path):11:31: rule of segment 'buyers': unknown feature 'frequncy' (did you mean 'frequency'?)")
        #expect(lines[3] == "\(file.path): 3 errors, 0 warnings; source tables not checked (--no-database)")
    }

    @Test func jsonIsAListOfProblemsWithPositionSeverityAndCode() throws {
        let file = try write(Self.broken)
        defer { try? FileManager.default.removeItem(at: file) }
        let outcome = try SegflowExecutable.run(["validate", "--no-database", "--json", "-p", file.path])
        #expect(outcome.status == 2, "\(outcome)")
        let list = try #require(try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [[String: Any]])
        #expect(list.map { Set($0.keys) } == Array(repeating: ["file", "line", "column", "severity", "message", "code"], count: 3))
        #expect(list.map { "\($0["line"] ?? ""):\($0["column"] ?? "") \($0["code"] ?? "")" }
            == ["6:28 invalid_duration", "11:9 missing_catch_all", "11:31 unknown_feature"])
        #expect(list.allSatisfy { $0["file"] as? String == file.path && $0["severity"] as? String == "error" })
    }

    @Test func aValidFileExitsZero() throws {
        let pipeline = RepositoryFiles.path("pipelines/default.yml")
        let text = try SegflowExecutable.run(["validate", "--no-database", "-p", pipeline])
        #expect(text.status == 0, "\(text)")
        #expect(text.standardOutput == "\(pipeline): valid; source tables not checked (--no-database)\n")
        let json = try SegflowExecutable.run(["validate", "--no-database", "--json", "-p", pipeline])
        #expect(json.status == 0)
        #expect(json.standardOutput == "[]\n")
    }

    @Test func aMissingFileIsAConfigurationError() throws {
        let outcome = try SegflowExecutable.run(["validate", "--no-database", "-p", "/nonexistent/pipeline.yml"])
        #expect(outcome.status == 2)
        #expect(outcome.standardOutput.hasPrefix("/nonexistent/pipeline.yml: cannot read the file"))
    }

    @Test func statusWithABadLimitIsAUsageError() throws {
        let outcome = try SegflowExecutable.run(["status", "--limit", "0"])
        #expect(outcome.status == 2, "\(outcome)")  // not ArgumentParser's 64
        #expect(outcome.standardError.contains("--limit must be at least 1"))
    }
}

/// Usage errors of any command exit 2 (the documented contract), not ArgumentParser's 64.
@Suite struct UsageExitCodeTests {
    @Test func unknownFlagsAndBadValuesExitTwo() throws {
        for arguments in [["status", "--no-such-flag"], ["run", "--as-of", "yesterday"], ["migrate", "--schema", ""], ["bogus"]] {
            let outcome = try SegflowExecutable.run(arguments)
            #expect(outcome.status == 2, "segflow \(arguments.joined(separator: " ")): \(outcome)")
            #expect(!outcome.standardError.isEmpty)
        }
    }

    @Test func helpAndVersionExitZero() throws {
        #expect(try SegflowExecutable.run(["--help"]).status == 0)
        #expect(try SegflowExecutable.run(["validate", "--help"]).status == 0)
        #expect(try SegflowExecutable.run(["--version"]).status == 0)
    }
}
