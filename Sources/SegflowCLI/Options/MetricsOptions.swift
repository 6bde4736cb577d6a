import ArgumentParser
import Foundation
import Logging
import PrometheusExport

/// Where a run's Prometheus metrics go: a textfile for node_exporter, a Pushgateway, both or neither.
///
/// A command calls `bootstrap()` before its work and `export(logger:)` once at the end,
/// success or failure. Exporting never changes the exit code: a failure is a warning.
struct MetricsOptions: ParsableArguments {
    /// Read when --pushgateway is absent, so a URL with credentials need not be in argv.
    static let pushgatewayEnvironmentKey = "SEGFLOW_PUSHGATEWAY_URL"

    @Option(help: ArgumentHelp(
        "Write Prometheus metrics to this file at the end, atomically (for node_exporter's textfile collector: name it *.prom).",
        valueName: "path"
    ))
    var metricsFile: String?

    @Option(help: ArgumentHelp(
        "Push Prometheus metrics to this Pushgateway at the end (PUT <url>/metrics/job/<job>). Default: $SEGFLOW_PUSHGATEWAY_URL.",
        valueName: "url"
    ))
    var pushgateway: String?

    @Option(help: ArgumentHelp("Pushgateway job name.", valueName: "name"))
    var metricsJob: String = "segflow"

    @Option(help: ArgumentHelp("Seconds to wait for the Pushgateway.", valueName: "seconds"))
    var pushTimeout: Double = 10

    /// The gateway URL from the flag or the environment.
    var pushgatewayURL: String? {
        if let pushgateway { return pushgateway }
        let fromEnvironment = ProcessInfo.processInfo.environment[Self.pushgatewayEnvironmentKey] ?? ""
        return fromEnvironment.isEmpty ? nil : fromEnvironment
    }

    var isEnabled: Bool { metricsFile != nil || pushgatewayURL != nil }

    func validate() throws {
        if let metricsFile {
            guard !metricsFile.isEmpty else { throw ValidationError("--metrics-file cannot be empty") }
            let directory = URL(fileURLWithPath: metricsFile).deletingLastPathComponent().path
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ValidationError("--metrics-file: directory '\(directory)' does not exist")
            }
        }
        guard !metricsJob.isEmpty else { throw ValidationError("--metrics-job cannot be empty") }
        guard pushTimeout > 0 else { throw ValidationError("--push-timeout must be positive") }
        // The URL itself is never echoed: it may carry a password.
        if let url = pushgatewayURL, PushgatewayClient(url: url, job: metricsJob, timeout: pushTimeout) == nil {
            throw ValidationError("--pushgateway (or $\(Self.pushgatewayEnvironmentKey)) must be an http:// or https:// URL with a host")
        }
    }

    /// Installs the Prometheus backend when an export is asked for; otherwise metrics stay no-ops.
    func bootstrap() {
        if isEnabled { _ = MetricsBootstrap.bootstrapOnce() }
    }

    /// Writes and pushes what was recorded. Returns false when an export failed (already logged).
    @discardableResult
    func export(logger: Logger) -> Bool {
        guard isEnabled, let backend = MetricsBootstrap.backend else { return true }
        let text = backend.render()
        var ok = true
        if let metricsFile {
            do {
                try TextfileWriter.write(text, to: metricsFile)
                logger.debug("metrics written", metadata: ["path": "\(metricsFile)"])
            } catch {
                ok = false
                logger.warning("metrics not written", metadata: ["error": "\(error)"])
            }
        }
        if let url = pushgatewayURL, let client = PushgatewayClient(url: url, job: metricsJob, timeout: pushTimeout) {
            do {
                try client.push(text)
                logger.debug("metrics pushed", metadata: ["pushgateway": "\(client.redactedURL)", "job": "\(metricsJob)"])
            } catch {
                ok = false
                logger.warning("metrics not pushed", metadata: ["error": "\(error)"])
            }
        }
        return ok
    }
}
