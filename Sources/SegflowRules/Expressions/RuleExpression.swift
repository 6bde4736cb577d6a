import SegflowEngine

/// A segment rule: expression text that parsed, resolved and type-checked to a boolean.
///
/// Validation needs no data; run it with `CompiledRule` against an `EvaluationContext`.
public struct RuleExpression: Sendable, Hashable, CustomStringConvertible {
    /// The text as written.
    public let source: String
    /// The parsed tree (canonical rendering via `description`).
    public let syntax: Expression
    let typed: TypedExpression

    /// Parses and checks a rule, throwing every problem found (syntax errors stop at the first).
    public init(_ source: String) throws(ExpressionErrors) {
        let syntax: Expression
        do {
            syntax = try ExpressionParser.parse(source)
        } catch {
            throw ExpressionErrors([error])
        }
        var checker = ExpressionChecker()
        guard let typed = checker.check(syntax) else {
            throw ExpressionErrors(checker.errors)
        }
        guard typed.type == .boolean || typed.type == .null else {
            throw ExpressionErrors([ExpressionError(
                "a rule must be a boolean condition, but this expression is \(typed.type)", at: syntax.location)])
        }
        self.source = source
        self.syntax = syntax
        self.typed = typed
    }

    /// The canonical rendering of the rule.
    public var description: String { syntax.description }

    /// True for the literal `true`: the catch-all rule.
    public var isCatchAll: Bool {
        if case .boolean(true, _) = syntax { return true }
        return false
    }

    /// The population statistics to precompute for this rule.
    public var populationStatistics: Set<PopulationStatisticKey> { typed.populationStatistics }

    /// The text features the rule reads (they get a dictionary).
    public var textFeatures: Set<FeatureKey> { typed.featureDependencies.text }

    /// Every feature the rule reads.
    public var features: Set<FeatureKey> {
        let dependencies = typed.featureDependencies
        return dependencies.numeric.union(dependencies.text)
    }
}
