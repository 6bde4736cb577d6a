/// The text rules of the clean stage (see docs/semantics.md).
package enum TextNormalization {
    /// Trims ASCII spaces (the reference SQL's `trim`), nothing else.
    static func trimmed(_ text: String) -> String {
        // ASCII (nearly every value): bytes are characters, so trim the bytes.
        var text = text
        let ascii: String?? = text.withUTF8 { bytes in
            guard isASCII(bytes) else { return nil }
            var start = 0, end = bytes.count
            while start < end, bytes[start] == 0x20 { start += 1 }
            while end > start, bytes[end - 1] == 0x20 { end -= 1 }
            if start == 0, end == bytes.count { return .some(nil) }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        }
        switch ascii {
        case .some(.some(let trimmed)): return trimmed
        case .some(.none): return text
        case .none: break
        }
        var slice = Substring(text)
        while slice.first == " " { slice = slice.dropFirst() }
        while slice.last == " " { slice = slice.dropLast() }
        return String(slice)
    }

    static func lowerTrimmed(_ text: String?) -> String? {
        text.map { lowercased(trimmed($0)) }
    }

    /// A–Z to a–z, nothing else: the reference's `lower(… collate "C")`, the same whatever
    /// the database's locale (Unicode case mapping would make `Ü` differ between the two).
    package static func lowercased(_ text: String) -> String {
        mapASCII(text, from: 0x41...0x5A, by: 0x20)
    }

    /// a–z to A–Z, nothing else (`upper(… collate "C")`).
    static func uppercased(_ text: String) -> String {
        mapASCII(text, from: 0x61...0x7A, by: -0x20)
    }

    private static func mapASCII(_ text: String, from range: ClosedRange<UInt8>, by offset: Int) -> String {
        guard text.utf8.contains(where: range.contains) else { return text }
        return String(decoding: text.utf8.map { range.contains($0) ? UInt8(Int($0) + offset) : $0 }, as: UTF8.self)
    }

    /// `^[^@\s]+@[^@\s]+\.[^@\s]+$`
    static func isValidEmail(_ email: String) -> Bool {
        var email = email
        if let valid = email.withUTF8({ isASCII($0) ? isValidASCIIEmail($0) : nil }) { return valid }
        let scalars = Array(email.unicodeScalars)
        guard let at = scalars.firstIndex(of: "@"), at > 0 else { return false }
        let domain = scalars[(at + 1)...]
        guard !scalars.contains(where: { $0.properties.isWhitespace }),
              !domain.contains("@"),
              let dot = domain.lastIndex(of: "."), dot > at + 1, dot < scalars.count - 1 else { return false }
        return true
    }

    /// `isValidEmail` for ASCII bytes, where the only white space is tab…carriage return and space.
    private static func isValidASCIIEmail(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let at = bytes.firstIndex(of: 0x40), at > 0 else { return false }
        guard !bytes.contains(where: { $0 == 0x20 || (0x09...0x0D).contains($0) }),
              !bytes[(at + 1)...].contains(0x40),
              let dot = bytes[(at + 1)...].lastIndex(of: 0x2E), dot > at + 1, dot < bytes.count - 1 else { return false }
        return true
    }

    @inline(__always)
    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var any: UInt8 = 0
        for byte in bytes { any |= byte }
        return any < 0x80
    }

    /// An ISO 3166-1 alpha-2 code from a raw value: trimmed, upper-cased, known English
    /// names mapped; nil when it is none of these.
    static func countryCode(_ raw: String) -> String? {
        let upper = uppercased(trimmed(raw))
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
