import ArgumentParser
import Foundation
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
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    }

    /// 75 for a transient database failure (worth retrying), 1 for anything else. A refused
    /// login (wrong password, unknown role or database) is a connection failure to libpq
    /// but no retry fixes it.
    static func exitCode(for error: any Error) -> Int32 {
        guard let postgres = error as? PostgresError, postgres.isTransient else { return 1 }
        let permanent = ["authentication failed", "no password supplied", "does not exist", "no pg_hba.conf entry"]
        if postgres.code == .connectionFailed, permanent.contains(where: postgres.message.contains) { return 1 }
        return 75
    }

    /// `1 error`, `3 errors`.
    static func count(_ number: Int, _ noun: String) -> String {
        "\(number) \(noun)\(number == 1 ? "" : "s")"
    }
}
