#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging

/// Fits `GammaGammaModel` by maximum likelihood like lifetimes' `GammaGammaFitter.fit` (no time
/// scaling; same objective, start and penalizer). Never throws: problems are in the fit's status.
public struct GammaGammaFitter: Sendable {
    public var penalizer: Double
    public var minimizer: Minimizer
    public var logger: Logger

    public init(penalizer: Double = 0, minimizer: Minimizer = Minimizer(), logger: Logger) {
        self.penalizer = penalizer
        self.minimizer = minimizer
        self.logger = logger
    }

    public func fit(_ data: SpendHistories) -> (fit: ModelFit, model: GammaGammaModel?) {
        let names = GammaGammaModel.parameterNames
        var failure: String?
        if data.customers == 0 { failure = "no repeat buyer with a positive mean spend to fit" }
        if !(penalizer >= 0 && penalizer.isFinite) { failure = "penalizer \(penalizer) is not a finite non-negative number" }
        if let failure {
            let fit = ModelFit(
                model: GammaGammaModel.name, parameterNames: names, parameters: names.map { _ in .nan }, standardErrors: nil,
                logLikelihood: .nan, customers: data.customers, distinctRows: data.frequency.count, iterations: 0,
                evaluations: 0, status: .failed, reason: failure, seconds: 0
            )
            ModelFitLogging.log(fit, to: logger)
            return (fit, nil)
        }
        let outcome = MaximumLikelihood.fit(
            parameterCount: names.count, penalizer: penalizer, customers: data.totalWeight, minimizer: minimizer,
            secondOrder: { GammaGammaModel.negativeLogLikelihoodWithHessian(logParameters: $0, data: data) }
        ) { GammaGammaModel.negativeLogLikelihood(logParameters: $0, data: data) }
        let meanLoss = GammaGammaModel.negativeLogLikelihood(logParameters: outcome.result.point, data: data).value
        var status = outcome.result.status
        var reason = outcome.result.reason
        let model = GammaGammaModel(parameters: outcome.parameters)
        if status == .converged, model == nil {
            status = .failed
            reason = "converged to parameters that are not finite and positive: \(outcome.parameters)"
        }
        let fit = ModelFit(
            model: GammaGammaModel.name, parameterNames: names, parameters: outcome.parameters,
            standardErrors: outcome.standardErrors, logLikelihood: -meanLoss * data.totalWeight,
            customers: data.customers, distinctRows: data.frequency.count, iterations: outcome.result.iterations,
            evaluations: outcome.result.evaluations, status: status, reason: reason, seconds: outcome.seconds
        )
        ModelFitLogging.log(fit, to: logger)
        return (fit, status == .converged ? model : nil)
    }
}
