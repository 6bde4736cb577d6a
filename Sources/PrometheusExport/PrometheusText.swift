/// The small rules of the Prometheus text exposition format.
public enum PrometheusText {
    /// Label values escape backslash, double quote and line feed.
    public static func escapeLabelValue(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for character in value.unicodeScalars {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    /// HELP text escapes backslash and line feed only.
    public static func escapeHelp(_ text: String) -> String {
        var out = ""
        for character in text.unicodeScalars {
            switch character {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    /// A valid metric name: `[a-zA-Z_:][a-zA-Z0-9_:]*`; anything else becomes `_`.
    public static func metricName(_ label: String) -> String {
        sanitize(label, allowColon: true)
    }

    /// A valid label name: `[a-zA-Z_][a-zA-Z0-9_]*`.
    public static func labelName(_ name: String) -> String {
        sanitize(name, allowColon: false)
    }

    private static func sanitize(_ text: String, allowColon: Bool) -> String {
        var out = ""
        for (index, scalar) in text.unicodeScalars.enumerated() {
            let isLetter = scalar.isASCII && (("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar))
            let isDigit = scalar.isASCII && ("0"..."9").contains(scalar)
            let ok = isLetter || scalar == "_" || (allowColon && scalar == ":") || (isDigit && index > 0)
            out += ok ? String(scalar) : "_"
        }
        return out.isEmpty ? "_" : out
    }

    /// Sample values: integers without a fraction, `+Inf`, `-Inf`, `NaN` as the format spells them.
    public static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}
