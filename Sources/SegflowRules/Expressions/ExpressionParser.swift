import PostgresClient
/// Parses expression text into an `Expression` by precedence climbing.
///
/// Binding, loosest first: `or` < `and` < `not` < comparisons, `is [not] null`,
/// `[not] in (…)`, `[not] between … and …` (non-associative) < `+ -` < `* /` < unary `-`.
public struct ExpressionParser {
    private var tokens: [Token]
    private var position = 0
    /// Nesting of the expression being parsed (parentheses, operators, arguments), so that a
    /// hostile rule fails here instead of overflowing the stack of every recursive pass.
    private var depth = 0

    /// The deepest nesting a rule may have: operators and parentheses in a chain count one
    /// level each (`a or b or c` is 3 levels). docs/operations.md, "Limits".
    public static let maximumDepth = 200

    private static let notPrecedence = 3
    private static let comparisonPrecedence = 4
    private static let additivePrecedence = 5
    private static let unaryMinusPrecedence = 7

    /// Parses `text`; the first lexical or syntax error is thrown.
    public static func parse(_ text: String) throws(ExpressionError) -> Expression {
        var parser = ExpressionParser(tokens: try Lexer.tokenize(text))
        if parser.current.kind == .end {
            throw ExpressionError("empty expression", at: parser.current.location)
        }
        let expression = try parser.parseExpression(minimumPrecedence: 1)
        guard parser.current.kind == .end else {
            throw ExpressionError(parser.unexpectedMessage(expecting: "an operator or the end"), at: parser.current.location)
        }
        return expression
    }

    private init(tokens: [Token]) {
        self.tokens = tokens
    }

    private var current: Token { tokens[min(position, tokens.count - 1)] }
    private var next: Token { tokens[min(position + 1, tokens.count - 1)] }

    private mutating func advance() {
        if position < tokens.count - 1 { position += 1 }
    }

    private func unexpectedMessage(expecting expected: String) -> String {
        "expected \(expected), found \(current.quoted)"
    }

    private mutating func expect(_ symbol: Token.Symbol, _ what: String) throws(ExpressionError) {
        guard current.symbol == symbol else {
            throw ExpressionError(unexpectedMessage(expecting: what), at: current.location)
        }
        advance()
    }

    /// An infix operator at the current token: its precedence and kind.
    private enum Infix {
        case binary(Expression.BinaryOperator)
        case isNull
        case inList(negated: Bool)
        case between(negated: Bool)
    }

    private func infix() -> (Int, Infix)? {
        switch current.kind {
        case .keyword(.or): return (1, .binary(.or))
        case .keyword(.and): return (2, .binary(.and))
        case .keyword(.is): return (Self.comparisonPrecedence, .isNull)
        case .keyword(.in): return (Self.comparisonPrecedence, .inList(negated: false))
        case .keyword(.between): return (Self.comparisonPrecedence, .between(negated: false))
        case .keyword(.not):
            switch next.keyword {
            case .in: return (Self.comparisonPrecedence, .inList(negated: true))
            case .between: return (Self.comparisonPrecedence, .between(negated: true))
            default: return nil
            }
        case .symbol(let symbol):
            switch symbol {
            case .equal, .doubleEqual: return (Self.comparisonPrecedence, .binary(.equal))
            case .notEqual, .angleNotEqual: return (Self.comparisonPrecedence, .binary(.notEqual))
            case .less: return (Self.comparisonPrecedence, .binary(.less))
            case .lessEqual: return (Self.comparisonPrecedence, .binary(.lessEqual))
            case .greater: return (Self.comparisonPrecedence, .binary(.greater))
            case .greaterEqual: return (Self.comparisonPrecedence, .binary(.greaterEqual))
            case .plus: return (Self.additivePrecedence, .binary(.plus))
            case .minus: return (Self.additivePrecedence, .binary(.minus))
            case .star: return (6, .binary(.times))
            case .slash: return (6, .binary(.divide))
            default: return nil
            }
        default: return nil
        }
    }

    /// Enters one level of nesting at `location`; the caller leaves it with `depth -= 1`.
    private mutating func descend(at location: SourceLocation) throws(ExpressionError) {
        depth += 1
        guard depth <= Self.maximumDepth else {
            throw ExpressionError("expression nested too deeply (more than \(Self.maximumDepth) levels of parentheses and operators)",
                                  at: location)
        }
    }

    private mutating func parseExpression(minimumPrecedence: Int) throws(ExpressionError) -> Expression {
        try descend(at: current.location)
        let entryDepth = depth
        defer { depth = entryDepth - 1 }
        var left = try parsePrefix()
        var comparedAlready = false
        while let (precedence, op) = infix(), precedence >= minimumPrecedence {
            let operatorToken = current
            // Each operator of a left-associative chain deepens the tree by one.
            try descend(at: operatorToken.location)
            if precedence == Self.comparisonPrecedence {
                // SQL comparisons do not chain: `1 < x < 3` is a mistake, not (1 < x) < 3.
                if comparedAlready {
                    throw ExpressionError(
                        "comparisons cannot be chained; combine them with 'and' (or use 'between')",
                        at: operatorToken.location)
                }
                comparedAlready = true
            }
            advance()
            switch op {
            case .binary(let binary):
                let right = try parseExpression(minimumPrecedence: precedence + 1)
                left = .binary(binary, left, right, operatorLocation: operatorToken.location)
            case .isNull:
                var negated = false
                if current.keyword == .not {
                    negated = true
                    advance()
                }
                guard current.keyword == .null else {
                    throw ExpressionError(unexpectedMessage(expecting: "'null' after 'is'"), at: current.location)
                }
                advance()
                left = .isNull(left, negated: negated, operatorLocation: operatorToken.location)
            case .inList(let negated):
                if negated { advance() }  // the 'in' after 'not'
                try expect(.leftParen, "'(' after 'in'")
                var items: [Expression] = [try parseExpression(minimumPrecedence: 1)]
                while current.symbol == .comma {
                    advance()
                    items.append(try parseExpression(minimumPrecedence: 1))
                }
                try expect(.rightParen, "',' or ')' in the 'in' list")
                left = .inList(left, items, negated: negated, operatorLocation: operatorToken.location)
            case .between(let negated):
                if negated { advance() }  // the 'between' after 'not'
                // Bounds bind tighter than 'and', so `x between 1 and 5 and y` splits as expected.
                let low = try parseExpression(minimumPrecedence: Self.additivePrecedence)
                guard current.keyword == .and else {
                    throw ExpressionError(unexpectedMessage(expecting: "'and' in 'between … and …'"), at: current.location)
                }
                advance()
                let high = try parseExpression(minimumPrecedence: Self.additivePrecedence)
                left = .between(left, low: low, high: high, negated: negated, operatorLocation: operatorToken.location)
            }
        }
        return left
    }

    private mutating func parsePrefix() throws(ExpressionError) -> Expression {
        let token = current
        switch token.kind {
        case .keyword(.not):
            advance()
            let operand = try parseExpression(minimumPrecedence: Self.notPrecedence)
            return .unary(.not, operand, token.location)
        case .symbol(.minus):
            advance()
            let operand = try parseExpression(minimumPrecedence: Self.unaryMinusPrecedence)
            return .unary(.minus, operand, token.location)
        case .symbol(.plus):
            advance()
            return try parseExpression(minimumPrecedence: Self.unaryMinusPrecedence)
        default:
            return try parsePrimary()
        }
    }

    private mutating func parsePrimary() throws(ExpressionError) -> Expression {
        let token = current
        switch token.kind {
        case .number(let value):
            advance()
            return .number(value, token.location)
        case .string(let value):
            advance()
            return .text(value, token.location)
        case .keyword(.true):
            advance()
            return .boolean(true, token.location)
        case .keyword(.false):
            advance()
            return .boolean(false, token.location)
        case .keyword(.null):
            advance()
            return .null(token.location)
        case .keyword(.date):
            advance()
            guard case .string(let text) = current.kind else {
                throw ExpressionError(unexpectedMessage(expecting: "a quoted day after 'date', like date '2024-01-31'"),
                                      at: current.location)
            }
            guard let day = PostgresDate(iso: text) else {
                throw ExpressionError("invalid date '\(text)' (expected an existing day as YYYY-MM-DD)", at: current.location)
            }
            advance()
            return .date(days: Int(day.daysSince1970), token.location)
        case .identifier(let name):
            advance()
            guard current.symbol == .leftParen else {
                return .identifier(name, token.location)
            }
            advance()
            var arguments: [Expression] = []
            if current.symbol != .rightParen {
                arguments.append(try parseExpression(minimumPrecedence: 1))
                while current.symbol == .comma {
                    advance()
                    arguments.append(try parseExpression(minimumPrecedence: 1))
                }
            }
            try expect(.rightParen, "',' or ')' after the arguments of \(name)")
            return .call(name: name.lowercased(), arguments: arguments, token.location)
        case .symbol(.leftParen):
            advance()
            let inner = try parseExpression(minimumPrecedence: 1)
            try expect(.rightParen, "')'")
            return inner
        default:
            throw ExpressionError(unexpectedMessage(expecting: "a value, a feature name or '('"), at: token.location)
        }
    }
}
