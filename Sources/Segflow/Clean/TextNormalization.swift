/// The text rules of the clean stage (see docs/semantics.md).
enum TextNormalization {
    /// Trims ASCII spaces (the reference SQL's `trim`), nothing else.
    static func trimmed(_ text: String) -> String {
        var slice = Substring(text)
        while slice.first == " " { slice = slice.dropFirst() }
        while slice.last == " " { slice = slice.dropLast() }
        return String(slice)
    }

    static func lowerTrimmed(_ text: String?) -> String? {
        text.map { trimmed($0).lowercased() }
    }

    /// `^[^@\s]+@[^@\s]+\.[^@\s]+$`
    static func isValidEmail(_ email: String) -> Bool {
        let scalars = Array(email.unicodeScalars)
        guard let at = scalars.firstIndex(of: "@"), at > 0 else { return false }
        let domain = scalars[(at + 1)...]
        guard !scalars.contains(where: { $0.properties.isWhitespace }),
              !domain.contains("@"),
              let dot = domain.lastIndex(of: "."), dot > at + 1, dot < scalars.count - 1 else { return false }
        return true
    }

    /// An ISO 3166-1 alpha-2 code from a raw value: trimmed, upper-cased, known English
    /// names mapped; nil when it is none of these.
    static func countryCode(_ raw: String) -> String? {
        let upper = trimmed(raw).uppercased()
        if upper.count == 2, upper.unicodeScalars.allSatisfy({ $0.value >= 65 && $0.value <= 90 }) {
            return upper
        }
        return countryNames[upper]
    }

    /// English names seen in store exports, upper-cased.
    static let countryNames: [String: String] = [
        "GERMANY": "DE", "DEUTSCHLAND": "DE", "FRANCE": "FR", "UNITED KINGDOM": "GB", "GREAT BRITAIN": "GB",
        "UK": "GB", "UNITED STATES": "US", "USA": "US", "SPAIN": "ES", "ITALY": "IT", "NETHERLANDS": "NL",
        "POLAND": "PL", "SWEDEN": "SE", "SWITZERLAND": "CH", "AUSTRIA": "AT", "BELGIUM": "BE", "DENMARK": "DK",
        "IRELAND": "IE", "PORTUGAL": "PT", "NORWAY": "NO", "FINLAND": "FI", "CANADA": "CA",
    ]
}
