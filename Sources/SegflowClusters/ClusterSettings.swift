/// What one clusters segmentation asks for (the pipeline file's `clusters:` block).
public struct ClusterSettings: Sendable, Hashable {
    /// How many clusters.
    public enum Count: Sendable, Hashable {
        case fixed(Int)
        /// The k in the range with the highest mean silhouette on the sample (ties: the smaller k).
        case range(ClosedRange<Int>)
    }

    public var features: [ClusterFeature]
    public var count: Count
    public var seed: UInt64
    /// Rows the silhouette is computed on (all rows when fewer).
    public var sample: Int
    public var missing: MissingValues
    public var maxIterations: Int

    public static let defaultSample = 5000
    public static let defaultMaxIterations = 300

    public init(features: [ClusterFeature], count: Count, seed: UInt64 = 0, sample: Int = ClusterSettings.defaultSample,
                missing: MissingValues = .zero, maxIterations: Int = ClusterSettings.defaultMaxIterations) {
        self.features = features
        self.count = count
        self.seed = seed
        self.sample = sample
        self.missing = missing
        self.maxIterations = maxIterations
    }

    /// Candidate values of k for `rows` clustered rows (never more than the rows).
    func candidates(rows: Int) -> [Int] {
        switch count {
        case .fixed(let k): [min(k, rows)]
        case .range(let range):
            Array(min(range.lowerBound, rows)...min(range.upperBound, rows))
        }
    }
}
