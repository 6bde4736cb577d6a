import SegflowEngine

/// One precomputed statistic: a function applied to a feature (by catalog index).
public struct PopulationStatisticKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var function: PopulationFunction
    public var feature: Int

    public init(_ function: PopulationFunction, feature: Int) {
        self.function = function
        self.feature = feature
    }

    public var featureName: String { FeatureCatalog.all[feature].name }

    public var description: String { "\(function.name)(\(featureName))" }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.description < rhs.description }
}
