import Testing
@testable import SegflowPipelineFile
@testable import SegflowRules

/// A rule nested beyond `ExpressionParser.maximumDepth` (12k parentheses, a 30k-term `or`
/// chain) is a configuration error at file:line:column, not a stack overflow in `run` or
/// `validate`; rules within the limit still parse.
@Suite struct RuleDepthLimitTests {
    private static func pipeline(rule: String) -> String {
        """
        version: 1
        name: t
        timezone: UTC
        base_currency: EUR
        segmentations:
          - key: main
            primary: true
            segments:
              - { key: deep, rule: "\(rule)" }
              - { key: rest, rule: "true" }
        """
    }

    private static func issues(rule: String) -> [String] {
        do {
            _ = try PipelineConfiguration.parse(yaml: pipeline(rule: rule), file: "pipelines/x.yml")
            return []
        } catch {
            return error.issues.map(\.description)
        }
    }

    /// Column of the rule's first character on line 9 of `pipeline(rule:)`.
    private static let ruleColumn = #"      - { key: deep, rule: ""#.count + 1

    @Test func twelveThousandNestedParenthesesAreAConfigurationError() {
        let rule = String(repeating: "(", count: 12_000) + "frequency > 1" + String(repeating: ")", count: 12_000)
        let column = Self.ruleColumn + ExpressionParser.maximumDepth
        #expect(Self.issues(rule: rule) == [
            "pipelines/x.yml:9:\(column): rule of segment 'deep': expression nested too deeply (more than 200 levels of parentheses and operators)",
        ])
    }

    @Test func aThirtyThousandTermOrChainIsAConfigurationError() {
        let rule = (0..<30_000).map { "frequency = \($0)" }.joined(separator: " or ")
        let issues = Self.issues(rule: rule)
        #expect(issues.count == 1)
        #expect(issues.first?.hasPrefix("pipelines/x.yml:9:") == true)
        #expect(issues.first?.hasSuffix("expression nested too deeply (more than 200 levels of parentheses and operators)") == true)
    }

    @Test func rulesWithinTheLimitParse() throws {
        let parenthesised = String(repeating: "(", count: 150) + "frequency > 1" + String(repeating: ")", count: 150)
        let chain = (0..<60).map { "frequency = \($0)" }.joined(separator: " or ")
        #expect(Self.issues(rule: parenthesised).isEmpty)
        #expect(Self.issues(rule: chain).isEmpty)
        #expect(try ExpressionParser.parse(chain).description.hasPrefix("((((("))
    }
}

