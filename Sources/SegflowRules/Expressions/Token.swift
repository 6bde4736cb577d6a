/// A lexical token of the expression language.
struct Token: Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        case number(Double)
        case string(String)
        case identifier(String)
        case keyword(Keyword)
        case symbol(Symbol)
        case end
    }

    /// Reserved words; matched case-insensitively, like SQL.
    enum Keyword: String, Sendable, Hashable, CaseIterable {
        case and, or, not, `is`, null, `true`, `false`, `in`, between, date
    }

    enum Symbol: String, Sendable, Hashable {
        case leftParen = "(", rightParen = ")", comma = ","
        case equal = "=", doubleEqual = "==", notEqual = "!=", angleNotEqual = "<>"
        case less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
        case plus = "+", minus = "-", star = "*", slash = "/"
    }

    var kind: Kind
    var location: SourceLocation
    /// The token's text as written, for messages.
    var text: String

    var keyword: Keyword? {
        if case .keyword(let keyword) = kind { return keyword }
        return nil
    }

    var symbol: Symbol? {
        if case .symbol(let symbol) = kind { return symbol }
        return nil
    }

    /// How the token is named in "expected …, found …" messages.
    var quoted: String {
        switch kind {
        case .end: "end of expression"
        case .string: "string \(text)"
        case .number: "number \(text)"
        default: "'\(text)'"
        }
    }
}
