import SegflowEngine

/// A fit of `segflow evaluate` did not converge; the evaluation was reported and stored before this
/// is thrown (exit 1).
public struct ModelNotConvergedError: SegflowError {
    public var code: SegflowErrorCode { .modelNotConverged }
    /// The fits that did not converge, with status and reason.
    public var fits: [ModelEvaluation.Fit]

    public init(fits: [ModelEvaluation.Fit]) {
        self.fits = fits
    }

    public var description: String {
        fits.map { "the \($0.model) fit did not converge (status \($0.status))" + ($0.reason.map { ": \($0)" } ?? "") }.joined(separator: "; ")
    }
}
