/// The outcome of one maximum-likelihood fit: what `model_fits` will publish.
public struct ModelFit: Sendable {
    /// `bg_nbd`, `mbg_nbd`, `pareto_nbd` or `gamma_gamma`.
    public var model: String
    public var parameterNames: [String]
    /// The last iterate in natural units (the data's time unit); meaningful only when converged.
    public var parameters: [Double]
    /// Standard errors from the inverse Hessian of the penalised objective (delta method from the log
    /// parameters, as lifetimes); nil when the Hessian is not positive definite or the fit did not converge.
    public var standardErrors: [Double]?
    /// Total log-likelihood Σ ln L over customers at `parameters`, in the data's time unit, unpenalised.
    public var logLikelihood: Double
    public var customers: Int
    /// Distinct triplets (purchase models) or distinct (frequency, spend) pairs (Gamma-Gamma) fitted.
    public var distinctRows: Int
    public var iterations: Int
    public var evaluations: Int
    public var status: FitStatus
    public var reason: String?
    public var seconds: Double

    /// `parameters ± 1.96 · standardErrors`, as lifetimes' `confidence_intervals_`.
    public var confidenceIntervals: [ClosedRange<Double>]? {
        standardErrors.map { errors in
            zip(parameters, errors).map { value, error in (value - 1.96 * error)...(value + 1.96 * error) }
        }
    }

    public func parameter(_ name: String) -> Double? {
        parameterNames.firstIndex(of: name).map { parameters[$0] }
    }
}
