import PostgresClient
import SegflowEngine

/// `--calibration-end` is not before `--holdout-end`.
public struct InvalidEvaluationRangeError: SegflowError {
    public var code: SegflowErrorCode { .invalidEvaluationRange }
    public var calibrationEnd: PostgresDate
    public var holdoutEnd: PostgresDate

    public init(calibrationEnd: PostgresDate, holdoutEnd: PostgresDate) {
        self.calibrationEnd = calibrationEnd
        self.holdoutEnd = holdoutEnd
    }

    public var description: String {
        "--calibration-end \(calibrationEnd) must be before --holdout-end \(holdoutEnd)"
    }
}

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
