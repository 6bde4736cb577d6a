import SegflowModels

/// What the model fitted on the calibration day and the naive baseline predicted for each customer of
/// `HoldoutObservations` (same order); definitions in docs/models.md, "Evaluation".
public struct HoldoutPredictions: Sendable {
    /// E[purchases in (T, T + h] | x, tₓ, T]; nil for everyone when the purchase fit did not converge.
    public let modelPurchases: [Double?]
    /// x / T · h, 0 when T = 0.
    public let baselinePurchases: [Double]
    /// Gamma-Gamma E[AOV | x, m]; nil without a converged spend model or outside its domain.
    public let modelSpend: [Double?]
    /// M₁ / (x + 1): the mean purchase-day revenue up to the calibration day.
    public let baselineSpend: [Double]
    /// The customers whose spend is compared: holdout buyers inside Gamma-Gamma's domain
    /// (xₕ > 0, and x = 0 or m > 0).
    public let comparesSpend: [Bool]

    public init(observations: HoldoutObservations, fit: CustomerBaseFit) {
        let horizon = Double(observations.holdoutDays)
        let predictions = fit.predictions(horizonsInDays: [horizon])
        modelPurchases = predictions?.expectedPurchases[0] ?? Array(repeating: nil, count: observations.count)
        baselinePurchases = observations.histories.map { history in
            history.age > 0 ? Double(history.frequency) / history.age * horizon : 0
        }
        // The function CustomerPredictions' expected_avg_order_value uses, here also when the purchase fit failed.
        modelSpend = zip(observations.histories, observations.monetaryValues).map { history, monetaryValue in
            fit.spendModel?.conditionalExpectedAverageValue(frequency: history.frequency, monetaryValue: monetaryValue)
        }
        baselineSpend = zip(observations.calibrationRevenue, observations.histories).map { revenue, history in
            revenue / Double(history.frequency + 1)
        }
        comparesSpend = observations.histories.indices.map { customer in
            let history = observations.histories[customer]
            return observations.holdoutPurchases[customer] > 0
                && (history.frequency == 0 || observations.monetaryValues[customer] > 0)
        }
    }
}
