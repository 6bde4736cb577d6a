#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A model of when customers buy and when they drop out, fitted on the BTYD summary
/// (`BGNBDModel`, `MBGNBDModel`, `ParetoNBDModel`). Time is in the unit of the histories it was fitted on.
public protocol PurchaseModel: Sendable {
    /// Stable name, e.g. `bg_nbd`.
    static var name: String { get }
    static var parameterNames: [String] { get }
    /// Indices of the parameters measured in time units (they are rescaled with the data while fitting).
    static var timeParameterIndices: [Int] { get }

    /// Mean negative log-likelihood per customer and its gradient with respect to the log parameters
    /// (parameters in `data`'s time unit), without any penalty.
    static func negativeLogLikelihood(logParameters: [Double], data: FittingHistories) -> (value: Double, gradient: [Double])
    /// True when `negativeLogLikelihoodWithHessian` is implemented; the fitter then uses Newton's
    /// method (far fewer passes over the rows than BFGS). Default false.
    static var hasHessian: Bool { get }
    /// `negativeLogLikelihood` with its Hessian in log parameters; nil (the default) when not provided.
    static func negativeLogLikelihoodWithHessian(
        logParameters: [Double], data: FittingHistories
    ) -> (value: Double, gradient: [Double], hessian: [[Double]])?

    /// nil unless every parameter is finite and positive.
    init?(parameters: [Double])
    var parameters: [Double] { get }

    /// P(alive at T | x, tₓ, T).
    func probabilityAlive(_ history: CustomerHistory) -> Double
    /// E[purchases in (T, T + t] | x, tₓ, T); nil if its hypergeometric series or quadrature did not converge.
    func conditionalExpectedPurchases(within t: Double, _ history: CustomerHistory) -> Double?
    /// Median time from T to the next purchase given the customer is alive at T (see docs/models.md);
    /// nil when it does not exist (Pareto/NBD: the customer may drop out before buying again).
    func medianTimeToNextPurchase(_ history: CustomerHistory) -> Double?

    /// True when `conditionalExpectedPurchases` is exactly `probabilityAlive` times
    /// `expectedPurchasesGivenAlive` (the BG/NBD family): predictions then evaluate the expensive part
    /// once per distinct (x, T) instead of once per triplet. Default false.
    static var expectationFactorsThroughAlive: Bool { get }
    /// E[purchases in (T, T + t] | alive at T, x, T], which depends on the frequency and the age only;
    /// nil if the series did not converge or the model does not have this form (the default).
    func expectedPurchasesGivenAlive(within t: Double, frequency: Int, age: Double) -> Double?
}

extension PurchaseModel {
    public static var hasHessian: Bool { false }

    public static func negativeLogLikelihoodWithHessian(
        logParameters: [Double], data: FittingHistories
    ) -> (value: Double, gradient: [Double], hessian: [[Double]])? { nil }

    public static var expectationFactorsThroughAlive: Bool { false }

    public func expectedPurchasesGivenAlive(within t: Double, frequency: Int, age: Double) -> Double? { nil }

    /// Median of the Lomax (Pareto II) waiting time shared by the BG/NBD family: given alive at T the
    /// purchase rate is Gamma(r + x, α + T) and the next purchase comes before the next chance to drop
    /// out, so P(W > w) = ((α + T)/(α + T + w))^(r + x) and the median is (α + T)(2^(1/(r + x)) − 1).
    static func lomaxMedian(shape: Double, scale: Double) -> Double {
        scale * expm1(log(2) / shape)
    }
}

/// The BG/NBD family (`BGNBDModel`, `MBGNBDModel`): parameters r, α (time), a, b, and the same
/// waiting time given alive.
public protocol BetaGeometricModel: PurchaseModel {
    var r: Double { get }
    var alpha: Double { get }
    var a: Double { get }
    var b: Double { get }
    /// Unchecked; `init?(parameters:)` is the validating path.
    init(r: Double, alpha: Double, a: Double, b: Double)
}

extension BetaGeometricModel {
    public static var parameterNames: [String] { ["r", "alpha", "a", "b"] }
    public static var timeParameterIndices: [Int] { [1] }

    public init?(parameters: [Double]) {
        guard parameters.count == 4, parameters.allSatisfy({ $0 > 0 && $0.isFinite }) else { return nil }
        self.init(r: parameters[0], alpha: parameters[1], a: parameters[2], b: parameters[3])
    }

    public var parameters: [Double] { [r, alpha, a, b] }

    /// Never nil: given alive, the next purchase is certain in the BG/NBD family.
    public func medianTimeToNextPurchase(_ history: CustomerHistory) -> Double? {
        Self.lomaxMedian(shape: r + Double(history.frequency), scale: alpha + history.age)
    }
}

/// The summary as the fitters read it: distinct triplets with weights, in one time unit, grouped by
/// frequency (the triplets are sorted by frequency, so each group is a contiguous range).
public struct FittingHistories: Sendable {
    public let frequency: [Int]
    public let recency: [Double]
    public let age: [Double]
    public let weight: [Double]
    public let totalWeight: Double
    /// (frequency, index range, summed weight) per distinct frequency.
    public let groups: [(frequency: Int, range: Range<Int>, weight: Double)]
    /// The distinct recency and age values (in this unit) and each row's index into them, so that a
    /// likelihood takes ln(α + t) once per distinct time instead of twice per row (with whole days
    /// there are at most a few thousand).
    let distinctTimes: [Double]
    let recencyIndex: [Int32]
    let ageIndex: [Int32]
    /// Each row's index into `groups`.
    let groupOfRow: [Int32]
    /// `distinctTimes` before scaling.
    private let unscaledTimes: [Double]

    /// `init(histories, timeScale: scale)` bit for bit, reusing this one's grouping and time indices
    /// (`histories` must be the ones this was built from).
    func withTimeScale(_ scale: Double, unscaledFrom histories: CompressedHistories) -> FittingHistories {
        FittingHistories(
            frequency: frequency, recency: histories.triplets.map { $0.recency * scale }, age: histories.triplets.map { $0.age * scale },
            weight: weight, totalWeight: totalWeight, groups: groups,
            unscaledTimes: unscaledTimes, scale: scale, recencyIndex: recencyIndex, ageIndex: ageIndex, groupOfRow: groupOfRow
        )
    }

    private init(frequency: [Int], recency: [Double], age: [Double], weight: [Double], totalWeight: Double,
                 groups: [(frequency: Int, range: Range<Int>, weight: Double)], unscaledTimes: [Double], scale: Double,
                 recencyIndex: [Int32], ageIndex: [Int32], groupOfRow: [Int32]) {
        (self.frequency, self.recency, self.age, self.weight, self.totalWeight) = (frequency, recency, age, weight, totalWeight)
        (self.groups, self.recencyIndex, self.ageIndex, self.groupOfRow) = (groups, recencyIndex, ageIndex, groupOfRow)
        self.unscaledTimes = unscaledTimes
        distinctTimes = unscaledTimes.map { $0 * scale }
    }

    /// The histories with times multiplied by `timeScale`.
    public init(_ histories: CompressedHistories, timeScale: Double = 1) {
        let triplets = histories.triplets
        frequency = triplets.map(\.frequency)
        recency = triplets.map { $0.recency * timeScale }
        age = triplets.map { $0.age * timeScale }
        weight = histories.counts.map(Double.init)
        totalWeight = weight.reduce(0, +)
        var groups: [(frequency: Int, range: Range<Int>, weight: Double)] = []
        var groupOfRow = [Int32](repeating: 0, count: triplets.count)
        var start = 0
        while start < frequency.count {
            var end = start
            var groupWeight = 0.0
            while end < frequency.count, frequency[end] == frequency[start] {
                groupWeight += weight[end]
                groupOfRow[end] = Int32(groups.count)
                end += 1
            }
            groups.append((frequency[start], start..<end, groupWeight))
            start = end
        }
        self.groups = groups
        self.groupOfRow = groupOfRow
        // Indices into the distinct unscaled times; a scaled time is the unscaled one times the same
        // factor, so every row's scaled value equals its table entry bit for bit.
        var interleaved: [Double] = []
        interleaved.reserveCapacity(2 * triplets.count)
        for triplet in triplets {
            interleaved.append(triplet.recency)
            interleaved.append(triplet.age)
        }
        let times = DistinctValues(interleaved)
        unscaledTimes = times.values
        distinctTimes = times.values.map { $0 * timeScale }
        recencyIndex = stride(from: 0, to: times.indices.count, by: 2).map { times.indices[$0] }
        ageIndex = stride(from: 1, to: times.indices.count, by: 2).map { times.indices[$0] }
    }
}
