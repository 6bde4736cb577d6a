/// Builds libpq keyword/value connection strings (`host=… port=… dbname=…`).
enum ConnectionString {
    /// Joins `pairs` in order, quoting values that need it.
    static func make(_ pairs: [(String, String)]) -> String {
        pairs.map { "\($0.0)=\(quote($0.1))" }.joined(separator: " ")
    }

    /// libpq's rule: a value that is empty or has spaces, quotes or backslashes
    /// goes in single quotes, with `'` and `\` escaped by a backslash.
    static func quote(_ value: String) -> String {
        let needsQuotes = value.isEmpty || value.contains { $0 == " " || $0 == "'" || $0 == "\\" || $0.isWhitespace }
        guard needsQuotes else { return value }
        var quoted = "'"
        for character in value {
            if character == "'" || character == "\\" {
                quoted.append("\\")
            }
            quoted.append(character)
        }
        return quoted + "'"
    }
}
