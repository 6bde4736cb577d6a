/// Just enough JSON writing for `quarantine.raw` and the ledger's jsonb columns, so the
/// output is exact (no Foundation number formatting or key reordering surprises).
enum JSONText {
    /// A JSON string literal. NUL, which jsonb rejects, becomes U+FFFD.
    static func string(_ value: String) -> String {
        var text = "\""
        text.reserveCapacity(value.utf8.count + 2)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case "\u{0}": text += "\\ufffd"
            case let control where control.value < 0x20:
                let hex = String(control.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: text.unicodeScalars.append(scalar)
            }
        }
        return text + "\""
    }

    /// Appends the JSON string literal of `value` as UTF-8, byte for byte the text
    /// `string(_:)` gives, without building Strings.
    static func appendString(_ value: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case UInt8(ascii: "\n"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case UInt8(ascii: "\r"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case UInt8(ascii: "\t"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0: bytes += Array("\\ufffd".utf8)
            case ..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// An object from keys and values that are already JSON text.
    static func object(_ pairs: some Sequence<(String, String)>) -> String {
        "{" + pairs.map { string($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
    }

    static func number(_ value: Double) -> String {
        value.isFinite ? "\(value)" : "null"
    }

    /// `{"a": 1.5, …}` with keys sorted.
    static func object(_ values: [String: Double]) -> String {
        object(values.sorted { $0.key < $1.key }.map { ($0.key, number($0.value)) })
    }

    static func object(_ values: [String: Int]) -> String {
        object(values.sorted { $0.key < $1.key }.map { ($0.key, String($0.value)) })
    }

    static func object(_ values: [String: [String: Int]]) -> String {
        object(values.sorted { $0.key < $1.key }.map { ($0.key, object($0.value)) })
    }
}
