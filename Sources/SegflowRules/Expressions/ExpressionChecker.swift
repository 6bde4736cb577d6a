import SegflowEngine

/// Resolves names against `FeatureCatalog` and checks types, collecting every error.
struct ExpressionChecker {
    private(set) var errors: [ExpressionError] = []

    /// The identifier for the snapshot day.
    static let asOfName = "as_of"

    private static var knownNames: [String] { FeatureKey.allCases.map(\.name) + [asOfName] }
    private static var functionNames: [String] {
        PopulationFunction.fixedNames + ["p1", "p50", "p99"] + ScalarFunction.allCases.map(\.rawValue)
    }

    /// Checks `expression`; on errors returns nil and fills `errors`.
    mutating func check(_ expression: Expression) -> TypedExpression? {
        let result = visit(expression)
        return errors.isEmpty ? result : nil
    }

    private mutating func fail(_ message: String, at location: SourceLocation) -> TypedExpression? {
        errors.append(ExpressionError(message, at: location))
        return nil
    }

    private mutating func visit(_ expression: Expression) -> TypedExpression? {
        switch expression {
        case .number(let value, _):
            return .constant(.number(value), .number)
        case .text(let value, _):
            return .constant(.text(value), .text)
        case .boolean(let value, _):
            return .constant(.boolean(value), .boolean)
        case .null:
            return .constant(.null, .null)
        case .date(let days, _):
            return .constant(.number(Double(days)), .number)
        case .identifier(let name, let location):
            return identifier(name, at: location)
        case .call(let name, let arguments, let location):
            return call(name, arguments, at: location)
        case .unary(.minus, let operand, let location):
            guard let typed = visit(operand) else { return nil }
            guard typed.type == .number || typed.type == .null else {
                return fail("unary '-' needs a number, not \(typed.type)", at: location)
            }
            return .negate(typed)
        case .unary(.not, let operand, let location):
            guard let typed = visit(operand) else { return nil }
            guard typed.type == .boolean || typed.type == .null else {
                return fail("'not' needs a boolean, not \(typed.type)", at: location)
            }
            return .not(typed)
        case .binary(let op, let left, let right, let location):
            return binary(op, left, right, at: location)
        case .isNull(let operand, let negated, _):
            guard let typed = visit(operand) else { return nil }
            return negated ? .not(.isNull(typed)) : .isNull(typed)
        case .inList(let operand, let items, let negated, _):
            // x in (a, b) is x = a or x = b: SQL's null rules follow from three-valued 'or'.
            let left = visit(operand)
            var disjunction: TypedExpression?
            for item in items {
                let right = visit(item)
                guard let left, let right else { continue }
                guard let comparison = comparison(.equal, left, right, at: item.location, what: "'in' list item") else {
                    continue
                }
                disjunction = disjunction.map { .or($0, comparison) } ?? comparison
            }
            guard let disjunction else { return nil }
            return negated ? .not(disjunction) : disjunction
        case .between(let operand, let low, let high, let negated, let location):
            let value = visit(operand)
            let lower = visit(low)
            let upper = visit(high)
            guard let value, let lower, let upper,
                  let atLeast = comparison(.greaterEqual, value, lower, at: location, what: "'between'"),
                  let atMost = comparison(.lessEqual, value, upper, at: location, what: "'between'")
            else { return nil }
            let both = TypedExpression.and(atLeast, atMost)
            return negated ? .not(both) : both
        }
    }

    private mutating func identifier(_ name: String, at location: SourceLocation) -> TypedExpression? {
        if name == Self.asOfName { return .asOf }
        guard let feature = FeatureKey(name: name) else {
            return fail("unknown feature '\(name)'\(NameSuggester.hint(for: name, among: Self.knownNames))", at: location)
        }
        return .feature(feature, ValueType(feature.kind))
    }

    private mutating func binary(_ op: Expression.BinaryOperator, _ left: Expression, _ right: Expression,
                                 at location: SourceLocation) -> TypedExpression? {
        let typedLeft = visit(left)
        let typedRight = visit(right)
        guard let typedLeft, let typedRight else { return nil }
        switch op {
        case .and, .or:
            for (side, typed) in [(left, typedLeft), (right, typedRight)] where typed.type != .boolean && typed.type != .null {
                return fail("'\(op.rawValue)' needs booleans, but this is \(typed.type)", at: side.location)
            }
            return op == .and ? .and(typedLeft, typedRight) : .or(typedLeft, typedRight)
        case .plus, .minus, .times, .divide:
            for typed in [typedLeft, typedRight] where typed.type != .number && typed.type != .null {
                return fail("'\(op.rawValue)' needs numbers, not \(describeOperands(typedLeft, typedRight))", at: location)
            }
            let arithmetic: TypedExpression.ArithmeticOperator = switch op {
            case .plus: .add
            case .minus: .subtract
            case .times: .multiply
            default: .divide
            }
            return .arithmetic(arithmetic, typedLeft, typedRight)
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual:
            let comparisonOperator: TypedExpression.ComparisonOperator = switch op {
            case .equal: .equal
            case .notEqual: .notEqual
            case .less: .less
            case .lessEqual: .lessEqual
            case .greater: .greater
            default: .greaterEqual
            }
            return comparison(comparisonOperator, typedLeft, typedRight, at: location, what: "'\(op.rawValue)'")
        }
    }

    private func describeOperands(_ left: TypedExpression, _ right: TypedExpression) -> String {
        left.type == right.type ? "\(left.type)s" : "\(left.type) and \(right.type)"
    }

    private mutating func comparison(_ op: TypedExpression.ComparisonOperator, _ left: TypedExpression,
                                     _ right: TypedExpression, at location: SourceLocation,
                                     what: String) -> TypedExpression? {
        guard let type = left.type.unified(with: right.type) else {
            return fail("cannot compare \(left.type) with \(right.type) in \(what)", at: location)
        }
        if type == .boolean, op != .equal, op != .notEqual {
            return fail("booleans can only be compared with = and !=", at: location)
        }
        return .compare(op, left, right)
    }

    private mutating func call(_ name: String, _ arguments: [Expression], at location: SourceLocation) -> TypedExpression? {
        if let function = PopulationFunction(name: name) {
            return population(function, arguments, at: location)
        }
        guard let function = ScalarFunction(rawValue: name) else {
            if FeatureKey(name: name) != nil || name == Self.asOfName {
                return fail("'\(name)' is a feature, not a function", at: location)
            }
            return fail("unknown function '\(name)'\(NameSuggester.hint(for: name, among: Self.functionNames))", at: location)
        }
        guard function.arity.contains(arguments.count) else {
            return fail("\(name) takes \(function.aritySummary), got \(arguments.count)", at: location)
        }
        var typed: [TypedExpression] = []
        for argument in arguments {
            if let checked = visit(argument) { typed.append(checked) }
        }
        guard typed.count == arguments.count else { return nil }

        switch function {
        case .abs, .round:
            for (argument, checked) in zip(arguments, typed) where checked.type != .number && checked.type != .null {
                return fail("\(name) needs a number, not \(checked.type)", at: argument.location)
            }
            return .call(function, typed, .number)
        case .lower, .upper:
            for (argument, checked) in zip(arguments, typed) where checked.type != .text && checked.type != .null {
                return fail("\(name) needs text, not \(checked.type)", at: argument.location)
            }
            return .call(function, typed, .text)
        case .coalesce, .least, .greatest:
            var type = ValueType.null
            for (argument, checked) in zip(arguments, typed) {
                guard let unified = type.unified(with: checked.type) else {
                    return fail("\(name) arguments must share one type: \(type) and \(checked.type) are mixed",
                                at: argument.location)
                }
                type = unified
            }
            if function != .coalesce, type == .boolean {
                return fail("\(name) needs numbers or text, not booleans", at: location)
            }
            return .call(function, typed, type)
        }
    }

    private mutating func population(_ function: PopulationFunction, _ arguments: [Expression],
                                     at location: SourceLocation) -> TypedExpression? {
        guard arguments.count == 1 else {
            return fail("\(function.name) takes exactly one feature name, e.g. \(function.name)(monetary)", at: location)
        }
        guard case .identifier(let featureName, let argumentLocation) = arguments[0] else {
            return fail("\(function.name) takes a feature name, not an expression: it is computed once over the whole snapshot",
                        at: arguments[0].location)
        }
        guard let feature = FeatureKey(name: featureName) else {
            if featureName == Self.asOfName {
                return fail("\(function.name) needs a feature; as_of is a single day", at: argumentLocation)
            }
            return fail("unknown feature '\(featureName)'\(NameSuggester.hint(for: featureName, among: Self.knownNames))",
                        at: argumentLocation)
        }
        let type = ValueType(feature.kind)
        if type != .number, !function.acceptsAnyFeature {
            return fail("\(function.name) needs a numeric feature, but '\(featureName)' is \(type)", at: argumentLocation)
        }
        return .population(PopulationStatisticKey(function, feature: feature))
    }
}
