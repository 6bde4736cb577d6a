import ArgumentParser
import Foundation
import Logging
import PostgresClient

/// Output helpers shared by `validate` and `status`.
enum CommandOutput {
    /// Sorted-key, pretty JSON on standard output.
    static func printJSON(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let data = try encoder.encode(value)
        print(String(decoding: data, as: UTF8.self))
    }

    static func error(_ message: String) {
        if LogBootstrap.isJSON {
            Logger(label: "segflow").error("failed", metadata: ["error": "\(message)"])
        } else {
            FileHandle.standardError.write(Data("error: \(message)\n".utf8))
        }
    }

    /// `1 error`, `3 errors`.
    static func count(_ number: Int, _ noun: String) -> String {
        "\(number) \(noun)\(number == 1 ? "" : "s")"
    }
}
