/// How a model fit ended. Only `converged` fits are used for predictions.
public enum FitStatus: String, Sendable, Equatable {
    /// The convergence test passed (see `Minimizer`).
    case converged
    /// The optimiser stopped without passing the convergence test (iteration limit, no further
    /// decrease possible while the gradient is still large).
    case notConverged = "not_converged"
    /// The fit could not be attempted or produced a non-finite likelihood (no data, invalid options).
    case failed
}
