#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Per-customer predictions from a fitted purchase model and (optionally) a Gamma-Gamma spend model,
/// one array per prediction, in the order of the customers given to `CompressedHistories`. Each
/// purchase-model quantity is computed once per distinct triplet and spread to its customers.
/// nil means "no prediction": invalid history, a series that did not converge, or outside the spend
/// model's domain. Exact definitions in docs/models.md.
public struct CustomerPredictions: Sendable {
    /// The horizons of `expectedPurchases`, in the model's time unit.
    public let horizons: [Double]
    public let probabilityAlive: [Double?]
    /// 1 − probabilityAlive.
    public let churnRisk: [Double?]
    /// expectedPurchases[h][customer]: E[purchases in (T, T + horizons[h]] | x, tₓ, T].
    public let expectedPurchases: [[Double?]]
    /// Median time from T to the next purchase given alive, in the model's time unit.
    public let medianTimeToNextPurchase: [Double?]
    /// Gamma-Gamma E[mean order value | x, m]; nil without a spend model.
    public let expectedAverageOrderValue: [Double?]
    /// margin · E[AOV] · Σᵢ (E[N(i·P)] − E[N((i−1)·P)]) / (1 + d)^i, i = 1 … periods; nil without a
    /// spend model.
    public let lifetimeValue: [Double?]

    public init<Model: PurchaseModel>(
        model: Model, histories: CompressedHistories, monetaryValues: [Double], spend: GammaGammaModel?,
        horizons: [Double], value: ValueSettings
    ) {
        precondition(monetaryValues.count == histories.tripletOfCustomer.count, "one monetary value per customer")
        self.horizons = horizons
        let triplets = histories.triplets
        let alive = triplets.map { model.probabilityAlive($0) }
        probabilityAlive = histories.perCustomer(alive)
        churnRisk = histories.perCustomer(alive.map { 1 - $0 })
        expectedPurchases = horizons.map { horizon in
            histories.perCustomer(triplets.map { model.conditionalExpectedPurchases(within: horizon, $0) })
        }
        medianTimeToNextPurchase = histories.perCustomer(triplets.map { model.medianTimeToNextPurchase($0) })
        guard let spend else {
            expectedAverageOrderValue = Array(repeating: nil, count: monetaryValues.count)
            lifetimeValue = Array(repeating: nil, count: monetaryValues.count)
            return
        }
        // Discounted expected purchases per triplet; the value is then linear in E[AOV].
        let discountedPurchases: [Double?] = triplets.map { history in
            var total = 0.0
            var previous = 0.0
            for period in stride(from: 1, through: value.periods, by: 1) {
                guard let cumulative = model.conditionalExpectedPurchases(within: Double(period) * value.periodLength, history)
                else { return nil }
                total += (cumulative - previous) / pow(1 + value.periodDiscountRate, Double(period))
                previous = cumulative
            }
            return total
        }
        var averageValues: [Double?] = []
        var lifetimeValues: [Double?] = []
        averageValues.reserveCapacity(monetaryValues.count)
        lifetimeValues.reserveCapacity(monetaryValues.count)
        for (customer, triplet) in histories.tripletOfCustomer.enumerated() {
            guard triplet >= 0 else {
                averageValues.append(nil)
                lifetimeValues.append(nil)
                continue
            }
            let history = triplets[Int(triplet)]
            let average = spend.conditionalExpectedAverageValue(frequency: history.frequency, monetaryValue: monetaryValues[customer])
            averageValues.append(average)
            if let average, let discounted = discountedPurchases[Int(triplet)] {
                lifetimeValues.append(value.margin * average * discounted)
            } else {
                lifetimeValues.append(nil)
            }
        }
        expectedAverageOrderValue = averageValues
        lifetimeValue = lifetimeValues
    }
}
