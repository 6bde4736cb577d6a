import SegflowEngine

/// One precomputed statistic: a function applied to a feature.
public struct PopulationStatisticKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var function: PopulationFunction
    public var feature: FeatureKey

    public init(_ function: PopulationFunction, feature: FeatureKey) {
        self.function = function
        self.feature = feature
    }

    public var featureName: String { feature.name }

    public var description: String { "\(function.name)(\(featureName))" }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.description < rhs.description }
}
