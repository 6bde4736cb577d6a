/// Splits an expression into tokens, tracking line and column (in Unicode scalars).
///
/// Comments run from `--` to the end of the line, as in SQL, so long rules in YAML block
/// scalars can be annotated.
struct Lexer {
    private let scalars: [Unicode.Scalar]
    private var index = 0
    private var line = 1
    private var column = 1

    init(_ text: String) {
        scalars = Array(text.unicodeScalars)
    }

    /// All tokens, ending with `.end`.
    static func tokenize(_ text: String) throws(ExpressionError) -> [Token] {
        var lexer = Lexer(text)
        var tokens: [Token] = []
        while true {
            let token = try lexer.next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    private var location: SourceLocation { SourceLocation(offset: index, line: line, column: column) }

    private func peek(_ ahead: Int = 0) -> Unicode.Scalar? {
        let position = index + ahead
        return position < scalars.count ? scalars[position] : nil
    }

    private mutating func advance() {
        guard index < scalars.count else { return }
        if scalars[index] == "\n" {
            line += 1
            column = 1
        } else {
            column += 1
        }
        index += 1
    }

    private func text(from start: Int) -> String {
        var result = String.UnicodeScalarView()
        result.append(contentsOf: scalars[start..<index])
        return String(result)
    }

    mutating func next() throws(ExpressionError) -> Token {
        skipWhitespaceAndComments()
        let start = location
        guard let scalar = peek() else {
            return Token(kind: .end, location: start, text: "")
        }
        if scalar.isDigit || (scalar == "." && (peek(1)?.isDigit ?? false)) {
            return try number(start)
        }
        if scalar.isIdentifierStart {
            while let next = peek(), next.isIdentifierPart { advance() }
            let word = text(from: start.offset)
            if let keyword = Token.Keyword(rawValue: word.lowercased()) {
                return Token(kind: .keyword(keyword), location: start, text: word)
            }
            return Token(kind: .identifier(word), location: start, text: word)
        }
        if scalar == "'" {
            return try string(start)
        }
        if scalar == "\"" {
            throw ExpressionError("text literals use single quotes: 'like this'", at: start)
        }
        return try symbol(start)
    }

    private mutating func skipWhitespaceAndComments() {
        while let scalar = peek() {
            if scalar.properties.isWhitespace {
                advance()
            } else if scalar == "-", peek(1) == "-" {
                while let next = peek(), next != "\n" { advance() }
            } else {
                return
            }
        }
    }

    private mutating func number(_ start: SourceLocation) throws(ExpressionError) -> Token {
        while let next = peek(), next.isDigit { advance() }
        if peek() == ".", peek(1)?.isDigit ?? false {
            advance()
            while let next = peek(), next.isDigit { advance() }
        } else if peek() == "." {
            advance()  // "1." is a number, like in SQL
        }
        if let e = peek(), e == "e" || e == "E" {
            let sign = peek(1)
            let digitAt = (sign == "+" || sign == "-") ? 2 : 1
            if peek(digitAt)?.isDigit ?? false {
                for _ in 0..<digitAt { advance() }
                while let next = peek(), next.isDigit { advance() }
            }
        }
        // "2d" or "3x" is a typo, not the number 2 followed by a name.
        if let next = peek(), next.isIdentifierPart || next == "." {
            while let next = peek(), next.isIdentifierPart || next == "." { advance() }
            throw ExpressionError("malformed number '\(text(from: start.offset))'", at: start)
        }
        let written = text(from: start.offset)
        guard let value = Double(written) else {
            throw ExpressionError("malformed number '\(written)'", at: start)
        }
        return Token(kind: .number(value), location: start, text: written)
    }

    private mutating func string(_ start: SourceLocation) throws(ExpressionError) -> Token {
        advance()  // opening quote
        var value = String.UnicodeScalarView()
        while true {
            guard let scalar = peek() else {
                throw ExpressionError("unterminated text literal (missing closing ')", at: start)
            }
            if scalar == "'" {
                if peek(1) == "'" {  // '' is an escaped quote
                    value.append("'")
                    advance()
                    advance()
                    continue
                }
                advance()
                return Token(kind: .string(String(value)), location: start, text: text(from: start.offset))
            }
            value.append(scalar)
            advance()
        }
    }

    private mutating func symbol(_ start: SourceLocation) throws(ExpressionError) -> Token {
        guard let first = peek() else { return Token(kind: .end, location: start, text: "") }
        if let second = peek(1),
           let symbol = Token.Symbol(rawValue: String(Character(first)) + String(Character(second))) {
            advance()
            advance()
            return Token(kind: .symbol(symbol), location: start, text: symbol.rawValue)
        }
        if let symbol = Token.Symbol(rawValue: String(Character(first))) {
            advance()
            return Token(kind: .symbol(symbol), location: start, text: symbol.rawValue)
        }
        throw ExpressionError("unexpected character '\(Character(first))'", at: start)
    }
}

extension Unicode.Scalar {
    fileprivate var isDigit: Bool { ("0"..."9").contains(self) }
    fileprivate var isIdentifierStart: Bool {
        ("a"..."z").contains(self) || ("A"..."Z").contains(self) || self == "_"
    }
    fileprivate var isIdentifierPart: Bool { isIdentifierStart || isDigit }
}
