import Foundation
import Logging

/// JSON lines on standard error, one object per log record, for log shippers:
/// `ts` (ISO 8601, UTC), `level`, `logger` (the label), `msg`, `error` when given, and
/// every metadata key at the top level (`run_id`, `as_of`, `stage`, …). The fixed keys win
/// over metadata of the same name. Values that look like passwords are masked.
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    private let write: @Sendable (String) -> Void
    private let now: @Sendable () -> Date

    init(label: String, write: @escaping @Sendable (String) -> Void = LogOutput.standardError,
         now: @escaping @Sendable () -> Date = Date.init) {
        self.label = label
        self.write = write
        self.now = now
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var object: [String: Any] = [:]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) {
            object[key] = Self.plain(value)
        }
        object["ts"] = ISO8601DateFormatter.string(from: now(), timeZone: .gmt, formatOptions: [.withInternetDateTime, .withFractionalSeconds])
        object["level"] = event.level.rawValue
        object["logger"] = label
        object["msg"] = LogOutput.redact(event.message.description)
        if let error = event.error { object["error"] = LogOutput.redact(String(describing: error)) }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            return
        }
        write(String(decoding: data, as: UTF8.self) + "\n")
    }

    private static func plain(_ value: Logger.Metadata.Value) -> Any {
        switch value {
        case .string(let string): return LogOutput.redact(string)
        case .stringConvertible(let convertible): return LogOutput.redact(convertible.description)
        case .array(let array): return array.map(plain)
        case .dictionary(let dictionary): return dictionary.mapValues(plain)
        }
    }
}
