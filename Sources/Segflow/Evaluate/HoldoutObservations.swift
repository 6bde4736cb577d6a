import PostgresClient
import SegflowEngine
import SegflowModels

/// The calibration-and-holdout summary `segflow evaluate` compares predictions with (docs/models.md,
/// "Evaluation"): one entry per customer with a purchase on or before the calibration day, in the
/// calibration snapshot's row order. Built from the two snapshots of one extraction.
public struct HoldoutObservations: Sendable {
    /// The columns of one snapshot the evaluation reads (NaN: null), so the full feature tables need
    /// not be held while the other snapshot is built.
    public struct SnapshotColumns: Sendable {
        public var customerIDs: [Int64]
        public var frequency: [Double]
        public var recency: [Double]
        public var age: [Double]
        public var monetaryValue: [Double]
        public var monetary: [Double]

        public init(_ features: FeatureColumns) {
            customerIDs = features.customerIDs
            frequency = features.numbers(.btydFrequency)
            recency = features.numbers(.btydRecency)
            age = features.numbers(.btydT)
            monetaryValue = features.numbers(.btydMonetaryValue)
            monetary = features.numbers(.monetary)
        }
    }

    public let calibrationEnd: PostgresDate
    public let holdoutEnd: PostgresDate
    public let customerIDs: [Int64]
    /// x = btyd_frequency, tₓ = btyd_recency, T = btyd_t on the calibration day, in days.
    public let histories: [CustomerHistory]
    /// m = btyd_monetary_value on the calibration day (Gamma-Gamma's input).
    public let monetaryValues: [Double]
    /// M₁ = monetary on the calibration day: net revenue of every purchase up to it.
    public let calibrationRevenue: [Double]
    /// xₕ = distinct purchase days in (calibration end, holdout end].
    public let holdoutPurchases: [Int]
    /// Rₕ = net revenue of the purchases in (calibration end, holdout end], to the cent.
    public let holdoutRevenue: [Double]

    /// h = holdout end − calibration end, in days.
    public var holdoutDays: Int { Int(holdoutEnd.daysSince2000 - calibrationEnd.daysSince2000) }
    public var count: Int { customerIDs.count }

    /// Pairs each buyer of `calibration` with its row of `holdout` (both snapshots of one extraction):
    /// xₕ = x₂ − x, Rₕ = M₂ − M₁ (exact, docs/models.md). Throws `EngineInvariantError` if a buyer is
    /// missing from the holdout snapshot or bought less there, which one extraction rules out.
    public init(calibration: SnapshotColumns, holdout: SnapshotColumns, calibrationEnd: PostgresDate, holdoutEnd: PostgresDate) throws {
        precondition(calibrationEnd < holdoutEnd, "the calibration ends before the holdout")
        var rowOf: [Int64: Int] = [:]
        rowOf.reserveCapacity(holdout.customerIDs.count)
        for (row, id) in holdout.customerIDs.enumerated() { rowOf[id] = row }
        var ids: [Int64] = []
        var histories: [CustomerHistory] = []
        var monetaryValues: [Double] = []
        var calibrationRevenue: [Double] = []
        var holdoutPurchases: [Int] = []
        var holdoutRevenue: [Double] = []
        for row in calibration.customerIDs.indices where !calibration.frequency[row].isNaN {
            let id = calibration.customerIDs[row]
            guard let later = rowOf[id], !holdout.frequency[later].isNaN else {
                throw EngineInvariantError("customer \(id) bought by \(calibrationEnd) but has no purchases in the snapshot of \(holdoutEnd)")
            }
            let frequency = Int(calibration.frequency[row])
            let purchases = Int(holdout.frequency[later]) - frequency
            guard purchases >= 0 else {
                throw EngineInvariantError("customer \(id) has fewer purchase days by \(holdoutEnd) than by \(calibrationEnd)")
            }
            let revenue = calibration.monetary[row].isNaN ? 0 : calibration.monetary[row]
            let laterRevenue = holdout.monetary[later].isNaN ? 0 : holdout.monetary[later]
            ids.append(id)
            histories.append(CustomerHistory(frequency: frequency, recency: calibration.recency[row], age: calibration.age[row]))
            monetaryValues.append(calibration.monetaryValue[row])
            calibrationRevenue.append(revenue)
            holdoutPurchases.append(purchases)
            holdoutRevenue.append(((laterRevenue * 100).rounded() - (revenue * 100).rounded()) / 100)
        }
        self.calibrationEnd = calibrationEnd
        self.holdoutEnd = holdoutEnd
        customerIDs = ids
        self.histories = histories
        self.monetaryValues = monetaryValues
        self.calibrationRevenue = calibrationRevenue
        self.holdoutPurchases = holdoutPurchases
        self.holdoutRevenue = holdoutRevenue
    }
}
