@testable import Segflow

/// Builds small `FeatureColumns` by hand: features not given are null.
enum FeatureTable {
    static func make(_ rows: [[String: Value]], customerIDs: [Int64]? = nil) -> FeatureColumns {
        let count = rows.count
        var numbers: [[Double]] = []
        var texts: [[String?]] = []
        for feature in FeatureCatalog.all {
            if feature.kind == .text {
                numbers.append([])
                texts.append(rows.map { $0[feature.name]?.text })
            } else {
                texts.append([])
                numbers.append(rows.map { row in
                    switch row[feature.name] {
                    case .number(let value): value
                    case .boolean(let value): value ? 1 : 0
                    default: .nan
                    }
                })
            }
        }
        for row in rows {
            for name in row.keys {
                precondition(FeatureCatalog.indexByName[name] != nil, "unknown feature \(name) in test table")
            }
        }
        return FeatureColumns(customerIDs: customerIDs ?? (0..<count).map { Int64($0 + 1) },
                              numbers: numbers, texts: texts)
    }

    /// Evaluates `rule` with the compiled program on `rows` (statistics computed from them).
    static func evaluate(_ rule: String, _ rows: [[String: Value]], asOf: Int = 20_000) throws -> [Bool?] {
        let expression = try RuleExpression(rule)
        let columns = make(rows)
        let context = EvaluationContext(columns: columns, asOf: asOf, rules: [expression])
        return CompiledRule(expression, context: context).evaluate()
    }

    /// The same through the scalar interpreter, row by row.
    static func interpret(_ rule: String, _ rows: [[String: Value]], asOf: Int = 20_000) throws -> [Bool?] {
        let expression = try RuleExpression(rule)
        let columns = make(rows)
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
