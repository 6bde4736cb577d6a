/// One fitted customer-base model of a snapshot, as `model_fits` stores it (docs/output-tables.md).
/// Plain values, so that publishing needs nothing of SegflowModels; the model stage builds them.
public struct ModelFitRecord: Sendable, Hashable {
    /// What the model describes.
    public enum Component: String, Sendable, Hashable {
        /// When customers buy and drop out (BG/NBD, MBG/NBD).
        case purchase
        /// How much a purchase day is worth (Gamma-Gamma).
        case spend
    }

    /// `bg_nbd`, `mbg_nbd` or `gamma_gamma`.
    public var model: String
    public var component: Component
    /// Unit of the time parameters (α), `days` or `weeks`; nil for a model without one (Gamma-Gamma).
    public var timeUnit: String?
    /// `converged`, `not_converged` or `failed`.
    public var status: String
    /// Why the fit did not converge; nil when it did.
    public var reason: String?
    /// Parameter names in the model's order, with their values and standard errors (nil: none). Values
    /// are published only for converged fits.
    public var parameterNames: [String]
    public var parameters: [Double]
    public var standardErrors: [Double]?
    /// Total log-likelihood at the parameters, in the time unit of the parameters.
    public var logLikelihood: Double
    public var customers: Int
    /// Distinct (frequency, recency, age) triplets, or (frequency, spend) pairs, the fit summed over.
    public var distinctRows: Int
    public var iterations: Int
    public var evaluations: Int
    public var penalizer: Double
    public var seconds: Double

    public init(model: String, component: Component, timeUnit: String?, status: String, reason: String?,
                parameterNames: [String], parameters: [Double], standardErrors: [Double]?, logLikelihood: Double,
                customers: Int, distinctRows: Int, iterations: Int, evaluations: Int, penalizer: Double, seconds: Double) {
        self.model = model
        self.component = component
        self.timeUnit = timeUnit
        self.status = status
        self.reason = reason
        self.parameterNames = parameterNames
        self.parameters = parameters
        self.standardErrors = standardErrors
        self.logLikelihood = logLikelihood
        self.customers = customers
        self.distinctRows = distinctRows
        self.iterations = iterations
        self.evaluations = evaluations
        self.penalizer = penalizer
        self.seconds = seconds
    }

    public var isConverged: Bool { status == "converged" }

    /// `{"r": 0.24, "alpha": 4.41, …}` (JSON numbers in Swift's shortest round-trip form, so a float8
    /// cast of each reads back the same double); nil unless converged.
    var parametersJSON: String? {
        guard isConverged else { return nil }
        return JSONText.object(zip(parameterNames, parameters).map { ($0, JSONText.number($1)) })
    }

    /// The standard errors in the same form; nil unless converged with a positive definite Hessian.
    var standardErrorsJSON: String? {
        guard isConverged, let standardErrors else { return nil }
        return JSONText.object(zip(parameterNames, standardErrors).map { ($0, JSONText.number($1)) })
    }
}
