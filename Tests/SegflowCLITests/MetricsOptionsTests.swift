import Foundation
import Logging
import Metrics
import Testing
@testable import SegflowCLI

/// `--metrics-file`, `--pushgateway` and friends: checked at parse time, exported at the end.
@Suite struct MetricsOptionsTests {
    @Test func metricsOptionsRejectBadTargetsWithoutEchoingTheURL() throws {
        #expect(throws: (any Error).self) { try MetricsOptions.parse(["--pushgateway", "ftp://u:hunter2@gw"]) }
        do {
            _ = try MetricsOptions.parse(["--pushgateway", "not a url:hunter2"])
            Issue.record("accepted a bad URL")
        } catch {
            #expect(!MetricsOptions.fullMessage(for: error).contains("hunter2"))
        }
        #expect(throws: (any Error).self) { try MetricsOptions.parse(["--metrics-file", "/nonexistent-dir-\(UUID().uuidString)/x.prom"]) }
        #expect(throws: (any Error).self) { try MetricsOptions.parse(["--metrics-job", ""]) }
        let none = try MetricsOptions.parse([])
        #expect(none.isEnabled == (ProcessInfo.processInfo.environment[MetricsOptions.pushgatewayEnvironmentKey] != nil))
    }

    @Test func metricsOptionsExportWritesTheTextfileAfterBootstrap() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("segflow-metrics-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("segflow.prom").path
        let options = try MetricsOptions.parse(["--metrics-file", path])
        options.bootstrap()
        // A name of its own: other tests may record into the same process-wide backend.
        let name = "segflow_test_marker_\(UUID().uuidString.replacingOccurrences(of: "-", with: "_"))"
        Gauge(label: name).record(65)
        #expect(options.export(logger: .init(label: "test")))
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("# TYPE \(name) gauge\n\(name) 65.0\n"))
    }
}
