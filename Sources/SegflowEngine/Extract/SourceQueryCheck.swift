/// Checks that a `query:` source mapping is one SELECT that stays inside the subquery
/// segflow wraps it in (`(<query>) as source`), before anything is sent to the server.
///
/// A small tokenizer, not a parser: it knows string constants (`'…'`, `E'…'`), dollar
/// quotes, quoted identifiers and comments, so a `;` or `)` inside them is harmless. It
/// refuses a `;` (a second statement), a `)` that closes more than the query opened
/// (escaping the wrapper), anything left open at the end (it would swallow the wrapper's
/// rest, such as the cut-off filter), and a first word other than select, with, values or
/// table. The server still runs the query as one statement in a read-only transaction; this
/// check makes the refusal early and placed at the mapping.
public enum SourceQueryCheck {
    /// Why `sql` is not acceptable as a mapping, or nil when it is.
    public static func problem(in sql: String) -> String? {
        let text = Array(sql.unicodeScalars)
        var index = 0
        var depth = 0
        var firstWord: String?

        func at(_ offset: Int) -> Unicode.Scalar? { index + offset < text.count ? text[index + offset] : nil }
        func isWordStart(_ c: Unicode.Scalar) -> Bool { c == "_" || c.properties.isAlphabetic }
        func isWordPart(_ c: Unicode.Scalar) -> Bool { isWordStart(c) || ("0"..."9").contains(c) || c == "$" }

        while index < text.count {
            let c = text[index]
            switch c {
            case "-" where at(1) == "-":
                while index < text.count, text[index] != "\n" { index += 1 }
            case "/" where at(1) == "*":
                // Block comments nest in PostgreSQL.
                var nesting = 0
                repeat {
                    if at(0) == "/", at(1) == "*" { nesting += 1; index += 2 }
                    else if at(0) == "*", at(1) == "/" { nesting -= 1; index += 2 }
                    else { index += 1 }
                } while nesting > 0 && index < text.count
                if nesting > 0 { return "the query has an unterminated /* comment" }
            case "'":
                let backslashEscapes = index > 0 && (text[index - 1] == "e" || text[index - 1] == "E")
                    && (index < 2 || !isWordPart(text[index - 2]))
                index += 1
                var closed = false
                while index < text.count {
                    if backslashEscapes, text[index] == "\\" { index += 2; continue }
                    if text[index] == "'" {
                        if at(1) == "'" { index += 2; continue }
                        closed = true
                        break
                    }
                    index += 1
                }
                if !closed { return "the query has an unterminated string constant" }
                index += 1
            case "\"":
                index += 1
                var closed = false
                while index < text.count {
                    if text[index] == "\"" {
                        if at(1) == "\"" { index += 2; continue }
                        closed = true
                        break
                    }
                    index += 1
                }
                if !closed { return "the query has an unterminated quoted identifier" }
                index += 1
            case "$" where dollarTag(text, from: index) != nil:
                guard let tag = dollarTag(text, from: index) else { break }
                index += tag.count
                var closed = false
                while index < text.count {
                    if text[index] == "$", Array(text[index..<min(text.count, index + tag.count)]) == tag {
                        closed = true
                        break
                    }
                    index += 1
                }
                if !closed { return "the query has an unterminated dollar-quoted string" }
                index += tag.count
            case ";":
                return "the query must be a single SELECT: ';' would end it and start another statement"
            case "(":
                depth += 1
                index += 1
            case ")":
                depth -= 1
                if depth < 0 { return "the query closes a parenthesis it did not open: it must stay a single subquery" }
                index += 1
            case _ where isWordStart(c):
                let start = index
                while index < text.count, isWordPart(text[index]) { index += 1 }
                if firstWord == nil { firstWord = String(String.UnicodeScalarView(text[start..<index])).lowercased() }
            default:
                index += 1
            }
        }
        if depth > 0 { return "the query leaves a parenthesis open" }
        guard let firstWord else { return "the query is empty" }
        guard ["select", "with", "values", "table"].contains(firstWord) else {
            return "the query must be a SELECT (start with select, with, values or table), not '\(firstWord)'"
        }
        return nil
    }

    /// The `$tag$` opening a dollar quote at `start`, or nil (`$1` is a parameter, `a$b` a name).
    private static func dollarTag(_ text: [Unicode.Scalar], from start: Int) -> [Unicode.Scalar]? {
        if start > 0, text[start - 1] == "_" || text[start - 1].properties.isAlphabetic || ("0"..."9").contains(text[start - 1]) {
            return nil
        }
        var end = start + 1
        while end < text.count, text[end] != "$" {
            let c = text[end]
            let allowed = c == "_" || c.properties.isAlphabetic || (end > start + 1 && ("0"..."9").contains(c))
            guard allowed else { return nil }
            end += 1
        }
        guard end < text.count else { return nil }
        return Array(text[start...end])
    }
}
