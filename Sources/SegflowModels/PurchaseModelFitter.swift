#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging

/// Fits a `PurchaseModel` by maximum likelihood on compressed histories, as lifetimes does: times are
/// scaled so that the largest age is 1 (lifetimes 0.11.3's `_scale_time`), the penalizer applies to
/// the parameters in that scaled unit, and the time parameters are scaled back afterwards.
public struct PurchaseModelFitter: Sendable {
    /// lifetimes' `penalizer_coef`: adds `penalizer · Σ θᵢ²` to the mean negative log-likelihood.
    public var penalizer: Double
    public var minimizer: Minimizer
    public var logger: Logger

    public init(penalizer: Double = 0, minimizer: Minimizer = Minimizer(), logger: Logger) {
        self.penalizer = penalizer
        self.minimizer = minimizer
        self.logger = logger
    }

    /// The fit and, when it converged, the model. Never throws: problems are in `fit.status`/`reason`.
    public func fit<Model: PurchaseModel>(_ type: Model.Type, to histories: CompressedHistories) -> (fit: ModelFit, model: Model?) {
        let names = Model.parameterNames
        guard histories.customers > 0, let maximumAge = histories.triplets.map(\.age).max(), maximumAge > 0 else {
            return failed(Model.name, names, histories, reason: "no customer with a positive age to fit")
        }
        guard penalizer >= 0, penalizer.isFinite else {
            return failed(Model.name, names, histories, reason: "penalizer \(penalizer) is not a finite non-negative number")
        }
        let timeScale = 1 / maximumAge
        let unscaled = FittingHistories(histories)
        let scaled = unscaled.withTimeScale(timeScale, unscaledFrom: histories)
        let secondOrder: MaximumLikelihood.SecondOrderObjective? = Model.hasHessian ? { logParameters in
            Model.negativeLogLikelihoodWithHessian(logParameters: logParameters, data: scaled) ?? (.nan, [], [])
        } : nil
        let outcome = MaximumLikelihood.fit(
            parameterCount: names.count, penalizer: penalizer, customers: Double(histories.customers), minimizer: minimizer,
            secondOrder: secondOrder
        ) { Model.negativeLogLikelihood(logParameters: $0, data: scaled) }
        var parameters = outcome.parameters
        var standardErrors = outcome.standardErrors
        for index in Model.timeParameterIndices {
            parameters[index] /= timeScale
            standardErrors?[index] /= timeScale
        }
        let meanLoss = Model.negativeLogLikelihood(logParameters: parameters.map { log($0) }, data: unscaled).value
        var status = outcome.result.status
        var reason = outcome.result.reason
        let model = Model(parameters: parameters)
        if status == .converged, model == nil {
            status = .failed
            reason = "converged to parameters that are not finite and positive: \(parameters)"
        }
        let fit = ModelFit(
            model: Model.name, parameterNames: names, parameters: parameters, standardErrors: standardErrors,
            logLikelihood: -meanLoss * Double(histories.customers), customers: histories.customers,
            distinctRows: histories.triplets.count, iterations: outcome.result.iterations,
            evaluations: outcome.result.evaluations, status: status, reason: reason, seconds: outcome.seconds
        )
        ModelFitLogging.log(fit, to: logger)
        return (fit, status == .converged ? model : nil)
    }

    private func failed<Model: PurchaseModel>(
        _ name: String, _ names: [String], _ histories: CompressedHistories, reason: String
    ) -> (fit: ModelFit, model: Model?) {
        let fit = ModelFit(
            model: name, parameterNames: names, parameters: names.map { _ in .nan }, standardErrors: nil,
            logLikelihood: .nan, customers: histories.customers, distinctRows: histories.triplets.count,
            iterations: 0, evaluations: 0, status: .failed, reason: reason, seconds: 0
        )
        ModelFitLogging.log(fit, to: logger)
        return (fit, nil)
    }
}

/// One log line per fit: debug when converged, a warning with the reason otherwise.
enum ModelFitLogging {
    static func log(_ fit: ModelFit, to logger: Logger) {
        var metadata: Logger.Metadata = [
            "model": "\(fit.model)", "status": "\(fit.status.rawValue)", "customers": "\(fit.customers)",
            "distinct_rows": "\(fit.distinctRows)", "iterations": "\(fit.iterations)",
        ]
        for (name, value) in zip(fit.parameterNames, fit.parameters) { metadata[name] = "\(value)" }
        if fit.status == .converged {
            logger.debug("model fitted", metadata: metadata)
        } else {
            metadata["reason"] = "\(fit.reason ?? "unknown")"
            logger.warning("model fit did not converge; its predictions are null", metadata: metadata)
        }
    }
}
