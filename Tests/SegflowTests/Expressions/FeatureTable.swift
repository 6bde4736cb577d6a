import SegflowTestSupport
@testable import SegflowRules

/// Evaluates rules on small hand-built feature tables (see `FeatureTableBuilder`).
enum FeatureTable {
    /// Evaluates `rule` with the compiled program on `rows` (statistics computed from them).
    static func evaluate(_ rule: String, _ rows: [[String: Value]], asOf: Int = 20_000) throws -> [Bool?] {
        let expression = try RuleExpression(rule)
        let columns = FeatureTableBuilder.make(rows)
        let context = EvaluationContext(columns: columns, asOf: asOf, rules: [expression])
        return CompiledRule(expression, context: context).evaluate()
    }

    /// The same through the scalar interpreter, row by row.
    static func interpret(_ rule: String, _ rows: [[String: Value]], asOf: Int = 20_000) throws -> [Bool?] {
        let expression = try RuleExpression(rule)
        let columns = FeatureTableBuilder.make(rows)
        let context = EvaluationContext(columns: columns, asOf: asOf, rules: [expression])
        let interpreter = ScalarInterpreter(statistics: context.statistics, asOf: asOf)
        return (0..<columns.count).map { row in
            interpreter.evaluate(expression.typed) { context.value($0, row: row) }.boolean
        }
    }

    /// A rule over a one-row table with no features set.
    static func constant(_ rule: String) throws -> Bool? {
        try evaluate(rule, [[:]])[0]
    }
}
