import SegflowModels
import SegflowPublish

extension ModelFitRecord {
    /// The `model_fits` row of one fit; `timeUnit` is the unit of its time parameters (nil: none).
    init(_ fit: ModelFit, component: Component, timeUnit: ModelTimeUnit?, penalizer: Double) {
        self.init(model: fit.model, component: component, timeUnit: timeUnit?.rawValue, status: fit.status.rawValue,
                  reason: fit.reason, parameterNames: fit.parameterNames, parameters: fit.parameters,
                  standardErrors: fit.standardErrors, logLikelihood: fit.logLikelihood, customers: fit.customers,
                  distinctRows: fit.distinctRows, iterations: fit.iterations, evaluations: fit.evaluations,
                  penalizer: penalizer, seconds: fit.seconds)
    }
}
