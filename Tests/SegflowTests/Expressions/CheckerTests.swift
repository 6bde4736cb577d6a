import Testing
@testable import SegflowEngine
@testable import SegflowRules

@Suite struct CheckerTests {
    private func errors(_ rule: String) -> [String] {
        do {
            _ = try RuleExpression(rule)
            return []
        } catch {
            return error.errors.map(\.description)
        }
    }

    @Test func unknownFeatureSuggestsTheClosestName() {
        #expect(errors("frequency > 1 and monetry > 5")
            == ["line 1, column 19: unknown feature 'monetry' (did you mean 'monetary'?)"])
        #expect(errors("zzz > 1") == ["line 1, column 1: unknown feature 'zzz'"])
        #expect(errors("as_off > 1") == ["line 1, column 1: unknown feature 'as_off' (did you mean 'as_of'?)"])
    }

    @Test func everyNameErrorIsCollected() {
        #expect(errors("monetry > 1 and frequncy > 2") == [
            "line 1, column 1: unknown feature 'monetry' (did you mean 'monetary'?)",
            "line 1, column 17: unknown feature 'frequncy' (did you mean 'frequency'?)",
        ])
    }

    @Test func typeMismatchesPointAtTheOperator() {
        #expect(errors("country > 3") == ["line 1, column 9: cannot compare text with number in '>'"])
        #expect(errors("monetary + country = 1") == ["line 1, column 10: '+' needs numbers, not number and text"])
        #expect(errors("newsletter_opt_in < true") == ["line 1, column 19: booleans can only be compared with = and !="])
        #expect(errors("country in ('DE', 3)") == ["line 1, column 19: cannot compare text with number in 'in' list item"])
        #expect(errors("frequency and true") == ["line 1, column 1: 'and' needs booleans, but this is number"])
        #expect(errors("not country") == ["line 1, column 1: 'not' needs a boolean, not text"])
        #expect(errors("-country = 1") == ["line 1, column 1: unary '-' needs a number, not text"])
    }

    @Test func populationFunctionsTakeOneNumericFeatureName() {
        #expect(errors("avg(country) > 1") == ["line 1, column 5: avg needs a numeric feature, but 'country' is text"])
        #expect(errors("avg(monetary + 1) > 1")
            == ["line 1, column 5: avg takes a feature name, not an expression: it is computed once over the whole snapshot"])
        #expect(errors("p90(monetary, aov) > 1") == ["line 1, column 1: p90 takes exactly one feature name, e.g. p90(monetary)"])
        #expect(errors("median(monetry) > 1") == ["line 1, column 8: unknown feature 'monetry' (did you mean 'monetary'?)"])
        #expect(errors("count(country) > 1") == [])
        #expect(errors("p0(monetary) > 1") == ["line 1, column 1: unknown function 'p0' (did you mean 'p1'?)"])
    }

    @Test func scalarFunctionErrors() {
        #expect(errors("coalese(monetary, 0) > 1") == ["line 1, column 1: unknown function 'coalese' (did you mean 'coalesce'?)"])
        #expect(errors("foo(monetary) > 1") == ["line 1, column 1: unknown function 'foo'"])
        #expect(errors("monetary(1) > 1") == ["line 1, column 1: 'monetary' is a feature, not a function"])
        #expect(errors("abs(1, 2) > 1") == ["line 1, column 1: abs takes exactly one argument, got 2"])
        #expect(errors("lower(frequency) = 'a'") == ["line 1, column 7: lower needs text, not number"])
        #expect(errors("coalesce(country, 1) = 'a'")
            == ["line 1, column 19: coalesce arguments must share one type: text and number are mixed"])
    }

    @Test func aRuleMustBeBoolean() {
        #expect(errors("monetary * 2") == ["line 1, column 1: a rule must be a boolean condition, but this expression is number"])
        #expect(errors("country") == ["line 1, column 1: a rule must be a boolean condition, but this expression is text"])
        #expect(errors("newsletter_opt_in") == [])
    }

    @Test func rulesReportTheirStatisticsAndTextFeatures() throws {
        let rule = try RuleExpression("monetary > avg(monetary) and aov > p75(aov) and country in ('DE', 'AT')")
        #expect(rule.populationStatistics.map(\.description).sorted() == ["avg(monetary)", "p75(aov)"])
        #expect(rule.textFeatures == [.country])
        #expect(try RuleExpression("true").isCatchAll)
        #expect(try !RuleExpression("true and true").isCatchAll)
    }
}
