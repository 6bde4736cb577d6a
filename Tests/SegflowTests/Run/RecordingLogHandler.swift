import Foundation
import Logging

/// A log handler for tests: remembers messages and can act on one (restart a server when
/// the engine has extracted its first phase).
final class RecordingLogHandler: LogHandler, @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [(Logger.Level, String, Logger.Metadata)] = []
    var onMessage: (String, Logger.Metadata) -> Void = { _, _ in }
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        lock.withLock { recorded.append((event.level, event.message.description, merged)) }
        onMessage(event.message.description, merged)
    }

    func messages(_ text: String) -> [Logger.Metadata] {
        lock.withLock { recorded.filter { $0.1 == text }.map(\.2) }
    }

    var logger: Logger {
        Logger(label: "segflow.test.recording") { _ in self }
    }
}
