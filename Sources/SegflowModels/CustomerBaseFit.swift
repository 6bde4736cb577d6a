import Logging

/// The configured purchase model and Gamma-Gamma fitted on one snapshot's BTYD summary, with what is
/// needed to predict for the same customers. Built by `fit(settings:histories:monetaryValues:logger:)`;
/// the one place that turns `ModelSettings` into fits (the pipeline's model stage and `segflow evaluate`
/// both use it).
public struct CustomerBaseFit: Sendable {
    /// A fitted purchase model of the kind the settings chose.
    public enum FittedPurchaseModel: Sendable {
        case bgNbd(BGNBDModel)
        case mbgNbd(MBGNBDModel)
        case paretoNbd(ParetoNBDModel)
    }

    public let settings: ModelSettings
    /// The customers' histories in the model's time unit, compressed.
    public let histories: CompressedHistories
    /// One per customer, as given (the Gamma-Gamma input m).
    public let monetaryValues: [Double]
    public let purchaseFit: ModelFit
    public let spendFit: ModelFit
    /// nil when the purchase fit did not converge (its predictions are null).
    public let purchaseModel: FittedPurchaseModel?
    /// nil when the spend fit did not converge (value predictions are null).
    public let spendModel: GammaGammaModel?

    /// Fits the purchase model chosen in `settings` on `histories` (in days; converted to the settings'
    /// unit here) and Gamma-Gamma on the repeat buyers' `monetaryValues`. Never throws: a fit that fails
    /// is in its `ModelFit` (status, reason) and logged as a warning. `minimizer` is the optimiser both
    /// fits use (its defaults are the documented convergence test; tests lower its iteration limit).
    public static func fit(settings: ModelSettings, historiesInDays: [CustomerHistory], monetaryValues: [Double],
                           minimizer: Minimizer = Minimizer(), logger: Logger) -> CustomerBaseFit {
        precondition(historiesInDays.count == monetaryValues.count, "one monetary value per history")
        let unit = settings.timeUnit.days
        // Compressed in days (whole days take the fast path), then converted.
        let histories = CompressedHistories(historiesInDays).dividingTimes(by: unit)
        let fitter = PurchaseModelFitter(penalizer: settings.penalizer, minimizer: minimizer, logger: logger)
        let purchaseFit: ModelFit
        let purchaseModel: FittedPurchaseModel?
        switch settings.purchaseModel {
        case .bgNbd:
            let result = fitter.fit(BGNBDModel.self, to: histories)
            purchaseFit = result.fit
            purchaseModel = result.model.map(FittedPurchaseModel.bgNbd)
        case .mbgNbd:
            let result = fitter.fit(MBGNBDModel.self, to: histories)
            purchaseFit = result.fit
            purchaseModel = result.model.map(FittedPurchaseModel.mbgNbd)
        case .paretoNbd:
            let result = fitter.fit(ParetoNBDModel.self, to: histories)
            purchaseFit = result.fit
            purchaseModel = result.model.map(FittedPurchaseModel.paretoNbd)
        }
        let frequencies = historiesInDays.map(\.frequency)
        let spend = GammaGammaFitter(penalizer: settings.penalizer, minimizer: minimizer, logger: logger)
            .fit(SpendHistories(frequencies: frequencies, monetaryValues: monetaryValues))
        return CustomerBaseFit(settings: settings, histories: histories, monetaryValues: monetaryValues,
                               purchaseFit: purchaseFit, spendFit: spend.fit, purchaseModel: purchaseModel,
                               spendModel: spend.model)
    }

    /// Per-customer predictions at `horizonsInDays` (converted to the model's unit) with the settings'
    /// lifetime value; nil when the purchase model did not converge.
    public func predictions(horizonsInDays: [Double]) -> CustomerPredictions? {
        let horizons = horizonsInDays.map { $0 / settings.timeUnit.days }
        switch purchaseModel {
        case nil:
            return nil
        case .bgNbd(let model):
            return CustomerPredictions(model: model, histories: histories, monetaryValues: monetaryValues,
                                       spend: spendModel, horizons: horizons, value: settings.valueSettings)
        case .mbgNbd(let model):
            return CustomerPredictions(model: model, histories: histories, monetaryValues: monetaryValues,
                                       spend: spendModel, horizons: horizons, value: settings.valueSettings)
        case .paretoNbd(let model):
            return CustomerPredictions(model: model, histories: histories, monetaryValues: monetaryValues,
                                       spend: spendModel, horizons: horizons, value: settings.valueSettings)
        }
    }
}
