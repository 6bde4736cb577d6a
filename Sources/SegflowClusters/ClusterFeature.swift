import Foundation

/// How one feature enters the clustering.
public struct ClusterFeature: Sendable, Hashable {
    /// Applied to each value before anything else.
    public enum Transform: String, Sendable, Hashable, CaseIterable {
        /// The value as it is.
        case none
        /// `log(1 + x)`, for counts and money with long right tails; needs x > -1.
        case log1p
    }

    public var name: String
    public var transform: Transform
    /// After the transform, subtract the mean and divide by the standard deviation of the
    /// clustered rows, so that no feature dominates the distance by its unit.
    public var standardise: Bool
    /// Words for a cluster well above / below the average on this feature, for its generated name.
    public var highLabel: String
    public var lowLabel: String

    public init(name: String, transform: Transform = .none, standardise: Bool = true, highLabel: String? = nil,
                lowLabel: String? = nil) {
        self.name = name
        self.transform = transform
        self.standardise = standardise
        self.highLabel = highLabel ?? "high \(name)"
        self.lowLabel = lowLabel ?? "low \(name)"
    }

    /// The transform of one (present) value.
    public func transformed(_ value: Double) -> Double {
        switch transform {
        case .none: value
        case .log1p: value > -1 ? Foundation.log1p(value) : .nan
        }
    }
}
