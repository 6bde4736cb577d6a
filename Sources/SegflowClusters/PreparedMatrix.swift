/// The clustering's view of the data: which rows take part, the transformed (and where
/// asked, standardised) matrix of those rows, and the population statistics the profiles
/// and a later snapshot's warm start need.
public struct PreparedMatrix: Sendable {
    /// Indices into the caller's rows, ascending: the rows that are clustered.
    public var rows: [Int]
    /// `rows.count` × features, in the space k-means works in.
    public var matrix: FeatureMatrix
    /// Per feature, mean and standard deviation of the transformed values of `rows`
    /// (missing values imputed as the policy says). A constant feature has deviation 1.
    public var means: [Double]
    public var deviations: [Double]
    /// Per feature, whether the matrix column was standardised.
    public var standardised: [Bool]

    /// Builds the matrix from raw columns (one per feature, NaN for missing, all of the same
    /// length); `eligible` (same length, or nil for all) selects who may be clustered.
    ///
    /// Order: transform each present value (a value `log1p` cannot take, ≤ -1, counts as
    /// missing); apply `missing` (`zero`: 0 in original units, then transformed; `mean`: the
    /// mean of the transformed present values of the eligible rows; `exclude`: drop the row);
    /// then standardise the columns that ask for it with the mean and population standard
    /// deviation of the kept rows.
    public init(columns: [[Double]], features: [ClusterFeature], missing: MissingValues, eligible: [Bool]? = nil) {
        precondition(columns.count == features.count, "one column per feature")
        let total = columns.first?.count ?? 0
        let d = features.count
        var transformed = columns.enumerated().map { index, column in column.map { $0.isNaN ? .nan : features[index].transformed($0) } }
        var kept: [Int] = []
        kept.reserveCapacity(total)
        for row in 0..<total where eligible?[row] ?? true {
            if missing == .exclude, transformed.contains(where: { $0[row].isNaN }) { continue }
            kept.append(row)
        }
        for feature in 0..<d {
            switch missing {
            case .zero:
                let zero = features[feature].transformed(0)
                for row in kept where transformed[feature][row].isNaN { transformed[feature][row] = zero }
            case .mean:
                var sum = 0.0
                var present = 0
                for row in kept where !transformed[feature][row].isNaN {
                    sum += transformed[feature][row]
                    present += 1
                }
                let mean = present > 0 ? sum / Double(present) : 0
                for row in kept where transformed[feature][row].isNaN { transformed[feature][row] = mean }
            case .exclude:
                break
            }
        }
        var means = [Double](repeating: 0, count: d)
        var deviations = [Double](repeating: 1, count: d)
        for feature in 0..<d where !kept.isEmpty {
            var sum = 0.0
            for row in kept { sum += transformed[feature][row] }
            let mean = sum / Double(kept.count)
            var squares = 0.0
            for row in kept {
                let delta = transformed[feature][row] - mean
                squares += delta * delta
            }
            let deviation = (squares / Double(kept.count)).squareRoot()
            means[feature] = mean
            deviations[feature] = deviation > 0 && deviation.isFinite ? deviation : 1
        }
        var values = [Double](repeating: 0, count: kept.count * d)
        for (position, row) in kept.enumerated() {
            for feature in 0..<d {
                let value = transformed[feature][row]
                values[position * d + feature] = features[feature].standardise
                    ? (value - means[feature]) / deviations[feature] : value
            }
        }
        self.rows = kept
        self.matrix = FeatureMatrix(rows: kept.count, columns: d, values: values)
        self.means = means
        self.deviations = deviations
        self.standardised = features.map(\.standardise)
    }

    /// Points given in transformed units (a stored centroid) moved into the matrix space.
    public func toMatrixSpace(_ point: [Double]) -> [Double] {
        point.enumerated().map { feature, value in
            standardised[feature] ? (value - means[feature]) / deviations[feature] : value
        }
    }

    /// A matrix-space point in transformed units (what is stored for the next snapshot).
    public func toTransformedUnits(_ point: [Double]) -> [Double] {
        point.enumerated().map { feature, value in
            standardised[feature] ? value * deviations[feature] + means[feature] : value
        }
    }

    /// A matrix-space coordinate as a z-score against the clustered population.
    public func zScore(_ value: Double, feature: Int) -> Double {
        standardised[feature] ? value : (value - means[feature]) / deviations[feature]
    }
}
