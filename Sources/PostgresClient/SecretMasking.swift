import Foundation

/// Replaces secrets (passwords) in a message with `***`, only where a whole secret stands:
/// not inside a longer word, so that a short or partial candidate (`p` from a URI whose
/// password was not percent-encoded) never cuts letters out of `PostgreSQL` or `prod`.
public enum SecretMasking {
    /// Masks every whole occurrence of each secret. With `quoted`, a quoted fragment of the
    /// message (`"…"`) that is part of a secret is masked as well (libpq quotes what it
    /// could not parse, which may be a piece of the password).
    public static func mask(_ message: String, secrets: [String], quoted: Bool = false) -> String {
        var text = message
        // Longest first: a secret that contains another is masked whole.
        for secret in secrets.filter({ !$0.isEmpty }).sorted(by: { $0.count > $1.count }) {
            text = maskWhole(secret, in: text)
        }
        guard quoted else { return text }
        var output = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "\""), let close = rest[rest.index(after: open)...].firstIndex(of: "\"") {
            let inner = rest[rest.index(after: open)..<close]
            output += rest[...open]
            output += !inner.isEmpty && secrets.contains(where: { $0.contains(inner) }) ? "***" : String(inner)
            output += "\""
            rest = rest[rest.index(after: close)...]
        }
        return output + rest
    }

    /// Masks `password=…` pairs (libpq keyword/value, URI query) and the password of
    /// `scheme://user:password@host` wherever they stand in free text, without knowing the
    /// secret: the last defence for log lines and the run ledger.
    public static func redactPasswords(_ text: String) -> String {
        guard text.localizedCaseInsensitiveContains("password") || text.contains("://") else { return text }
        var result = text
        for (regex, template) in passwordPatterns {
            result = regex.stringByReplacingMatches(in: result, range: NSRange(result.startIndex..., in: result), withTemplate: template)
        }
        return result
    }

    private static let passwordPatterns: [(NSRegularExpression, String)] = [
        (#"(?i)(password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&]+)"#, "$1***"),
        (#"(://[^:/@\s]*:)\S*@"#, "$1***@"), // to the last @: an unencoded password may hold @ : / #
    ].compactMap { pattern, template in
        (try? NSRegularExpression(pattern: pattern)).map { ($0, template) }
    }

    private static func maskWhole(_ secret: String, in text: String) -> String {
        var output = ""
        var index = text.startIndex
        while let range = text[index...].range(of: secret) {
            let before = range.lowerBound > text.startIndex ? text[text.index(before: range.lowerBound)] : nil
            let after = range.upperBound < text.endIndex ? text[range.upperBound] : nil
            let startsInsideWord = before.map(isWordCharacter) == true && secret.first.map(isWordCharacter) == true
            let endsInsideWord = after.map(isWordCharacter) == true && secret.last.map(isWordCharacter) == true
            output += text[index..<range.lowerBound]
            output += startsInsideWord || endsInsideWord ? String(text[range]) : "***"
            index = range.upperBound
        }
        return output + text[index...]
    }

    private static func isWordCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber || character == "_"
    }
}
