import Foundation
import Logging
import PostgresClient

/// One readable line per log record on standard error, for a terminal:
///
///     14:05:31.204 info    extracted  run_id=5f0c… stage=extract as_of=2026-06-30 rows=1200 source=orders
///
/// `run_id`, `stage` and `as_of` come first, in that order, then the other metadata
/// sorted by key. Values that look like passwords are masked.
struct TextLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    private let write: @Sendable (String) -> Void
    private let now: @Sendable () -> Date

    /// Shown first, in this order, on every line that has them.
    static let leadingKeys = ["run_id", "stage", "as_of"]

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
        let merged = metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 })
        let keys = Self.leadingKeys.filter { merged[$0] != nil } + merged.keys.filter { !Self.leadingKeys.contains($0) }.sorted()
        var line = "\(Self.time(now())) \(event.level.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0))"
        line += LogOutput.redact(event.message.description)
        for key in keys {
            guard let value = merged[key] else { continue }
            line += " \(key)=\(Self.quoted(LogOutput.redact(Self.text(value))))"
        }
        if let error = event.error { line += " error=\(Self.quoted(LogOutput.redact(String(describing: error))))" }
        write(line + "\n")
    }

    /// `HH:mm:ss.SSS` in UTC: the day is in the run's as_of, the zone is always UTC.
    static func time(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded()) % 86_400_000
        let whole = Int(milliseconds / 1000)
        return String(format: "%02d:%02d:%02d.%03d", whole / 3600, whole % 3600 / 60, whole % 60, Int(milliseconds % 1000))
    }

    private static func text(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let string): string
        case .stringConvertible(let convertible): convertible.description
        case .array(let array): "[" + array.map(text).joined(separator: ", ") + "]"
        case .dictionary(let dictionary):
            "{" + dictionary.sorted { $0.key < $1.key }.map { "\($0.key): \(text($0.value))" }.joined(separator: ", ") + "}"
        }
    }

    /// Values with spaces or quotes are double-quoted so a line splits back into pairs.
    private static func quoted(_ value: String) -> String {
        guard value.isEmpty || value.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" || $0.isNewline }) else { return value }
        let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
        return "\"\(escaped)\""
    }
}

/// Where log lines go, and the last line of defence against a password in one.
enum LogOutput {
    static let standardError: @Sendable (String) -> Void = { line in
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// Masks `password=…` and `scheme://user:password@` (`SecretMasking.redactPasswords`).
    static func redact(_ text: String) -> String {
        SecretMasking.redactPasswords(text)
    }
}
