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
