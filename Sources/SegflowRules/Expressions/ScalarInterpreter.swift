import Foundation
import SegflowEngine

/// Evaluates a typed expression one value at a time.
///
/// The compiled register program is what runs over snapshots; this interpreter folds
/// constants, fills the per-value tables of text predicates, evaluates the rare predicates
/// over two text features row by row, and is the reference the tests hold the program to.
struct ScalarInterpreter: Sendable {
    var statistics: PopulationStatistics
    var asOf: Int

    func evaluate(_ node: TypedExpression, feature: (FeatureKey) -> Value) -> Value {
        switch node {
        case .constant(let value, _):
            return value
        case .asOf:
            return .number(Double(asOf))
        case .feature(let key, _):
            return feature(key)
        case .population(let key):
            return statistics.value(key).map(Value.number) ?? .null
        case .negate(let operand):
            guard let value = evaluate(operand, feature: feature).number else { return .null }
            return .number(-value)
        case .arithmetic(let op, let left, let right):
            guard let a = evaluate(left, feature: feature).number,
                  let b = evaluate(right, feature: feature).number
            else { return .null }
            return Value(number: Self.arithmetic(op, a, b))
        case .compare(let op, let left, let right):
            return Self.compare(op, evaluate(left, feature: feature), evaluate(right, feature: feature))
        case .and(let left, let right):
            let a = evaluate(left, feature: feature)
            if a == .boolean(false) { return a }  // false and anything is false
            let b = evaluate(right, feature: feature)
            if b == .boolean(false) { return b }
            return a.isNull || b.isNull ? .null : .boolean(true)
        case .or(let left, let right):
            let a = evaluate(left, feature: feature)
            if a == .boolean(true) { return a }  // true or anything is true
            let b = evaluate(right, feature: feature)
            if b == .boolean(true) { return b }
            return a.isNull || b.isNull ? .null : .boolean(false)
        case .not(let operand):
            guard let value = evaluate(operand, feature: feature).boolean else { return .null }
            return .boolean(!value)
        case .isNull(let operand):
            return .boolean(evaluate(operand, feature: feature).isNull)
        case .call(let function, let arguments, _):
            return call(function, arguments.map { evaluate($0, feature: feature) })
        }
    }

    static func arithmetic(_ op: TypedExpression.ArithmeticOperator, _ a: Double, _ b: Double) -> Double {
        switch op {
        case .add: a + b
        case .subtract: a - b
        case .multiply: a * b
        case .divide: b == 0 ? .nan : a / b  // division by zero is null, not an error
        }
    }

    static func compare(_ op: TypedExpression.ComparisonOperator, _ a: Value, _ b: Value) -> Value {
        let order: Int
        switch (a, b) {
        case (.number(let x), .number(let y)): order = x < y ? -1 : (x > y ? 1 : 0)
        case (.text(let x), .text(let y)): order = x < y ? -1 : (x > y ? 1 : 0)
        case (.boolean(let x), .boolean(let y)): order = x == y ? 0 : (x ? 1 : -1)
        default: return .null
        }
        return .boolean(holds(op, order))
    }

    static func holds(_ op: TypedExpression.ComparisonOperator, _ order: Int) -> Bool {
        switch op {
        case .equal: order == 0
        case .notEqual: order != 0
        case .less: order < 0
        case .lessEqual: order <= 0
        case .greater: order > 0
        case .greaterEqual: order >= 0
        }
    }

    private func call(_ function: ScalarFunction, _ values: [Value]) -> Value {
        switch function {
        case .coalesce:
            return values.first { !$0.isNull } ?? .null
        case .abs:
            return values[0].number.map { .number(Swift.abs($0)) } ?? .null
        case .round:
            guard let value = values[0].number else { return .null }
            if values.count == 1 { return .number(Self.round(value, digits: 0)) }
            guard let digits = values[1].number else { return .null }
            return Value(number: Self.round(value, digits: digits))
        case .lower:
            return values[0].text.map { .text($0.lowercased()) } ?? .null
        case .upper:
            return values[0].text.map { .text($0.uppercased()) } ?? .null
        case .least, .greatest:
            // Like PostgreSQL: nulls are ignored; null only if every argument is null.
            var best: Value = .null
            for value in values where !value.isNull {
                if best.isNull {
                    best = value
                    continue
                }
                let better = Self.compare(function == .least ? .less : .greater, value, best)
                if better == .boolean(true) { best = value }
            }
            return best
        }
    }

    /// Rounds half away from zero, like PostgreSQL's `round(numeric, int)`.
    static func round(_ value: Double, digits: Double) -> Double {
        guard !digits.isNaN else { return .nan }
        let places = Int(Swift.max(-15, Swift.min(15, digits.rounded(.towardZero))))
        let scale = pow(10, Double(places))
        return (value * scale).rounded(.toNearestOrAwayFromZero) / scale
    }
}
