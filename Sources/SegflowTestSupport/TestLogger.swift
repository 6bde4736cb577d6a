import Foundation
import Logging

/// A logger for tests: warnings and worse, unless `SEGFLOW_TEST_LOG_LEVEL` names another level (e.g. `debug`).
public func testLogger(_ label: String = "segflow.test") -> Logger {
    var logger = Logger(label: label)
    logger.logLevel = ProcessInfo.processInfo.environment["SEGFLOW_TEST_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
    return logger
}
