import Foundation
import Logging
import Synchronization

/// Bootstraps swift-log exactly once (it traps on a second call).
enum LogBootstrap {
    private static let done = Mutex(false)
    private static let json = Mutex(false)

    /// True once logging was bootstrapped as JSON lines: then every line segflow writes to
    /// standard error (failures too) goes through the logger, so it is JSON as well.
    static var isJSON: Bool { json.withLock { $0 } }

    /// `--log-format json` (or `=json`) among `arguments`: for errors found while parsing
    /// them, before `LoggingOptions` exists.
    static func jsonRequested(in arguments: [String]) -> Bool {
        zip(arguments, arguments.dropFirst()).contains { $0 == "--log-format" && $1 == "json" }
            || arguments.contains("--log-format=json")
    }

    static func bootstrapOnce(level: Logger.Level, json: Bool) {
        done.withLock { done in
            guard !done else { return }
            done = true
            Self.json.withLock { $0 = json }
            LoggingSystem.bootstrap { label in
                var handler: any LogHandler = json ? JSONLogHandler(label: label) : TextLogHandler(label: label)
                handler.logLevel = level
                return handler
            }
        }
    }
}
