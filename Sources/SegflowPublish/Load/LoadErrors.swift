import PostgresClient
import SegflowEngine

/// `FeatureColumns` whose arrays do not line up with the catalog or the customers.
public struct FeatureColumnsShapeError: SegflowError {
    public var code: SegflowErrorCode { .invalidFeatureColumns }
    public var problem: String
    public var description: String { "feature columns: \(problem)" }
}

/// A feature value its SQL type cannot hold (a fractional integer, an infinite amount, …).
public struct FeatureValueError: SegflowError {
    public var code: SegflowErrorCode { .invalidFeatureValue }
    public var feature: String
    public var customerID: Int64
    public var value: Double
    public var problem: String
    public var description: String { "feature \(feature) of customer \(customerID): \(value) \(problem)" }
}

/// A snapshot whose parts contradict each other; nothing was published.
public struct SnapshotValidationError: SegflowError {
    public var code: SegflowErrorCode { .invalidSnapshot }
    public var asOf: PostgresDate
    public var problem: String
    public var description: String { "snapshot \(asOf): \(problem)" }
}

/// Readers held the snapshot tables for longer than the publisher would wait to swap.
public struct SwapLockTimeoutError: SegflowError {
    public var code: SegflowErrorCode { .swapLockTimeout }
    public var asOf: PostgresDate
    public var attempts: Int
    public var description: String {
        "snapshot \(asOf): could not lock the snapshot tables to swap in the new partition after \(attempts) attempts (long-running queries on them?)"
    }
}

/// The ledger has no run with this id.
public struct UnknownRunError: SegflowError {
    public var code: SegflowErrorCode { .unknownRun }
    public var runID: RunID
    public var description: String { "the run ledger has no run \(runID)" }
}
