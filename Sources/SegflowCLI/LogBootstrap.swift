import Foundation
import Logging
import Synchronization

/// Bootstraps swift-log exactly once (it traps on a second call).
enum LogBootstrap {
    private static let done = Mutex(false)

    static func bootstrapOnce(level: Logger.Level, json: Bool) {
        done.withLock { done in
            guard !done else { return }
            done = true
            LoggingSystem.bootstrap { label in
                var handler: any LogHandler = json ? JSONLogHandler(label: label) : TextLogHandler(label: label)
                handler.logLevel = level
                return handler
            }
        }
    }
}
