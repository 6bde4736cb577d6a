import Testing
@testable import SegflowRules

@Suite struct LexerTests {
    @Test func tokensCarryLineAndColumn() throws {
        let tokens = try Lexer.tokenize("frequency >= 2\n  and country = 'DE'")
        let kinds = tokens.map(\.kind)
        #expect(kinds == [
            .identifier("frequency"), .symbol(.greaterEqual), .number(2),
            .keyword(.and), .identifier("country"), .symbol(.equal), .string("DE"), .end,
        ])
        #expect(tokens[3].location == SourceLocation(offset: 17, line: 2, column: 3))
        #expect(tokens[6].location.column == 17)
    }

    @Test func doubledQuoteEscapesAQuoteInText() throws {
        let tokens = try Lexer.tokenize("'O''Brien'")
        #expect(tokens[0].kind == .string("O'Brien"))
    }

    @Test func keywordsAreCaseInsensitiveAndCommentsAreSkipped() throws {
        let tokens = try Lexer.tokenize("x AND -- a comment\n NOT y")
        #expect(tokens.map(\.kind) == [.identifier("x"), .keyword(.and), .keyword(.not), .identifier("y"), .end])
    }

    @Test func numbersWithFractionsAndExponents() throws {
        let tokens = try Lexer.tokenize("1.5 .25 2e3 7.")
        #expect(tokens.map(\.kind) == [.number(1.5), .number(0.25), .number(2000), .number(7), .end])
    }

    @Test func aNumberRunningIntoLettersIsMalformed() {
        #expect(throws: ExpressionError("malformed number '2d'", at: SourceLocation(offset: 13, line: 1, column: 14))) {
            try Lexer.tokenize("recency_days 2d")
        }
    }

    @Test func unterminatedTextPointsAtItsOpeningQuote() {
        #expect(throws: ExpressionError("unterminated text literal (missing closing ')",
                                        at: SourceLocation(offset: 10, line: 1, column: 11))) {
            try Lexer.tokenize("country = 'DE")
        }
    }

    @Test func unexpectedCharacterAndDoubleQuotes() {
        #expect(throws: ExpressionError("unexpected character '#'", at: SourceLocation(offset: 2, line: 1, column: 3))) {
            try Lexer.tokenize("a # b")
        }
        #expect(throws: ExpressionError("text literals use single quotes: 'like this'",
                                        at: SourceLocation(offset: 10, line: 1, column: 11))) {
            try Lexer.tokenize("country = \"DE\"")
        }
    }
}
