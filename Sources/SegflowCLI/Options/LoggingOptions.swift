import ArgumentParser
import Foundation
import Logging

/// How the executable logs; libraries only take a `Logger`.
struct LoggingOptions: ParsableArguments {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case auto, text, json
    }

    @Option(help: "Minimum log level (default: info; validate, status, export, demo: warning).")
    var logLevel: Logger.Level?

    @Option(help: "Log format: text on a terminal, JSON lines otherwise (auto).")
    var logFormat: Format = .auto

    /// Bootstraps swift-log once for the process and returns the root logger.
    func makeLogger(label: String = "segflow", defaultLevel: Logger.Level = .info) -> Logger {
        let level = logLevel ?? defaultLevel
        LogBootstrap.bootstrapOnce(level: level, json: logFormat == .json || (logFormat == .auto && isatty(STDERR_FILENO) == 0))
        var logger = Logger(label: label)
        logger.logLevel = level
        return logger
    }
}
