import Testing
@testable import SegflowRules

@Suite struct ParserTests {
    private func canonical(_ text: String) throws -> String {
        try ExpressionParser.parse(text).description
    }

    @Test func andBindsTighterThanOr() throws {
        #expect(try canonical("a or b and c") == "(a or (b and c))")
        #expect(try canonical("a and b or c") == "((a and b) or c)")
    }

    @Test func notBindsLooserThanComparison() throws {
        #expect(try canonical("not x = 1 and y") == "((not (x = 1)) and y)")
        #expect(try canonical("not not x") == "(not (not x))")
    }

    @Test func arithmeticPrecedenceAndLeftAssociativity() throws {
        #expect(try canonical("1 + 2 * 3 - 4") == "((1 + (2 * 3)) - 4)")
        #expect(try canonical("8 / 4 / 2") == "((8 / 4) / 2)")
        #expect(try canonical("-x * 2") == "((-x) * 2)")
        #expect(try canonical("(1 + 2) * 3") == "((1 + 2) * 3)")
    }

    @Test func comparisonSpellingsNormalise() throws {
        #expect(try canonical("a == 1") == "(a = 1)")
        #expect(try canonical("a <> 1") == "(a != 1)")
        #expect(try canonical("a >= 1 + 2") == "(a >= (1 + 2))")
    }

    @Test func postfixPredicates() throws {
        #expect(try canonical("x is null") == "(x is null)")
        #expect(try canonical("x IS NOT NULL and y") == "((x is not null) and y)")
        #expect(try canonical("c in ('a', 'b''c')") == "(c in ('a', 'b''c'))")
        #expect(try canonical("c not in (1, 2) or d") == "((c not in (1, 2)) or d)")
        #expect(try canonical("x between 1 and 5 and y") == "((x between 1 and 5) and y)")
        #expect(try canonical("x not between a + 1 and b * 2") == "(x not between (a + 1) and (b * 2))")
    }

    @Test func literalsAndCalls() throws {
        #expect(try canonical("date '2024-01-31'") == "date '2024-01-31'")
        #expect(try canonical("P90(monetary) < COALESCE(a, 0)") == "(p90(monetary) < coalesce(a, 0))")
        #expect(try canonical("true and false or null") == "((true and false) or null)")
        #expect(try canonical("round(x, 2) > 1.5") == "(round(x, 2) > 1.5)")
    }

    @Test func dateLiteralsAreDaysSinceTheEpoch() throws {
        #expect(try ExpressionParser.parse("date '1970-01-01'") == .date(days: 0, .start))
        #expect(try ExpressionParser.parse("date '2024-01-31'") == .date(days: 19753, .start))
        #expect(try ExpressionParser.parse("date '1969-12-31'") == .date(days: -1, .start))
    }

    @Test func syntaxErrorsNameTheTokenAndPosition() {
        let cases: [(String, String, Int)] = [
            ("frequency >", "expected a value, a feature name or '(', found end of expression", 12),
            ("(frequency > 1", "expected ')', found end of expression", 15),
            ("frequency > 1 frequency", "expected an operator or the end, found 'frequency'", 15),
            ("1 < x < 3", "comparisons cannot be chained; combine them with 'and' (or use 'between')", 7),
            ("x is 3", "expected 'null' after 'is', found number 3", 6),
            ("x in 1, 2", "expected '(' after 'in', found number 1", 6),
            ("x between 1 or 2", "expected 'and' in 'between … and …', found 'or'", 13),
            ("first_order_date > date '2024-02-30'", "invalid date '2024-02-30' (expected an existing day as YYYY-MM-DD)", 25),
            ("avg(monetary", "expected ',' or ')' after the arguments of avg, found end of expression", 13),
            ("", "empty expression", 1),
        ]
        for (text, message, column) in cases {
            #expect(throws: ExpressionError(message, at: SourceLocation(offset: column - 1, line: 1, column: column)),
                    "\(text)") {
                try ExpressionParser.parse(text)
            }
        }
    }

    @Test func errorsOnLaterLinesCountColumnsFromThatLine() {
        do {
            _ = try ExpressionParser.parse("frequency >= 2\n  and (monetary > 1")
            Issue.record("expected an error")
        } catch {
            #expect(error.line == 2)
            #expect(error.column == 20)
            #expect(error.description == "line 2, column 20: expected ')', found end of expression")
        }
    }
}
