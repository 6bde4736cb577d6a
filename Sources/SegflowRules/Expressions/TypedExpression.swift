import SegflowEngine

/// A type-checked expression: names resolved to catalog indices, `in` and `between`
/// rewritten to comparisons, `is not null` to `not (… is null)`.
indirect enum TypedExpression: Sendable, Hashable {
    case constant(Value, ValueType)
    /// The snapshot day, days since 1970-01-01.
    case asOf
    case feature(FeatureKey, ValueType)
    case population(PopulationStatisticKey)
    case negate(TypedExpression)
    case arithmetic(ArithmeticOperator, TypedExpression, TypedExpression)
    case compare(ComparisonOperator, TypedExpression, TypedExpression)
    case and(TypedExpression, TypedExpression)
    case or(TypedExpression, TypedExpression)
    case not(TypedExpression)
    case isNull(TypedExpression)
    case call(ScalarFunction, [TypedExpression], ValueType)

    enum ArithmeticOperator: Sendable, Hashable {
        case add, subtract, multiply, divide
    }

    enum ComparisonOperator: Sendable, Hashable {
        case equal, notEqual, less, lessEqual, greater, greaterEqual

        /// The operator with its operands swapped: `a < b` is `b > a`.
        var mirrored: ComparisonOperator {
            switch self {
            case .equal, .notEqual: self
            case .less: .greater
            case .lessEqual: .greaterEqual
            case .greater: .less
            case .greaterEqual: .lessEqual
            }
        }
    }

    var type: ValueType {
        switch self {
        case .constant(_, let type), .feature(_, let type), .call(_, _, let type): type
        case .asOf, .population, .negate, .arithmetic: .number
        case .compare, .and, .or, .not, .isNull: .boolean
        }
    }

    var children: [TypedExpression] {
        switch self {
        case .constant, .asOf, .feature, .population: []
        case .negate(let a), .not(let a), .isNull(let a): [a]
        case .arithmetic(_, let a, let b), .compare(_, let a, let b), .and(let a, let b), .or(let a, let b): [a, b]
        case .call(_, let arguments, _): arguments
        }
    }

    /// Features read per row, split by whether they are text.
    var featureDependencies: (numeric: Set<FeatureKey>, text: Set<FeatureKey>) {
        var numeric = Set<FeatureKey>()
        var text = Set<FeatureKey>()
        func visit(_ node: TypedExpression) {
            if case .feature(let key, let type) = node {
                if type == .text { text.insert(key) } else { numeric.insert(key) }
            }
            node.children.forEach(visit)
        }
        visit(self)
        return (numeric, text)
    }

    /// The population statistics the expression needs.
    var populationStatistics: Set<PopulationStatisticKey> {
        var keys = Set<PopulationStatisticKey>()
        func visit(_ node: TypedExpression) {
            if case .population(let key) = node { keys.insert(key) }
            node.children.forEach(visit)
        }
        visit(self)
        return keys
    }
}
