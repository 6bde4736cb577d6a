import Yams

/// Finds the repeat of a block-mapping key that libyaml refused, so the rest of the file
/// can still be checked: the sibling with the same name at the same column below the
/// first one, before the mapping ends (a line indented less).
enum DuplicateKeyScan {
    /// The repeat's 1-based position, and the text with that entry's lines emptied
    /// (line count unchanged). Nil when not found (e.g. a flow mapping `{a: 1, a: 2}`).
    static func next(key: String, after first: Mark, in text: String) -> (line: Int, column: Int, blanked: String)? {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let column = first.column
        guard first.line >= 1, column >= 1 else { return nil }
        var index = first.line  // 0-based index of the line after the first occurrence
        var found: Int?
        while index < lines.count {
            let line = lines[index]
            let trimmed = line.drop { $0 == " " }
            if trimmed.isEmpty || trimmed.hasPrefix("#") {
                index += 1
                continue
            }
            let indent = line.count - trimmed.count + 1
            if indent < column { return nil }
            if indent == column, names(trimmed, key) {
                found = index
                break
            }
            index += 1
        }
        guard let start = found else { return nil }
        // The entry: its own line and what is indented deeper (or a sequence at its column).
        lines[start] = ""
        var next = start + 1
        while next < lines.count {
            let trimmed = lines[next].drop { $0 == " " }
            let indent = lines[next].count - trimmed.count + 1
            guard trimmed.isEmpty || trimmed.hasPrefix("#") || indent > column || (indent == column && trimmed.hasPrefix("- "))
            else { break }
            lines[next] = ""
            next += 1
        }
        return (start + 1, column, lines.joined(separator: "\n"))
    }

    /// Whether a line (from its first non-space character) starts the entry `key:`.
    private static func names(_ text: Substring, _ key: String) -> Bool {
        for candidate in [key, "\"\(key)\"", "'\(key)'"] where text.hasPrefix(candidate) {
            let rest = text.dropFirst(candidate.count).drop { $0 == " " }
            if rest.hasPrefix(":") { return true }
        }
        return false
    }
}
