/// One row of the calibration table: the customers whose calibration frequency x falls in a bucket
/// (0, 1, …, 6, and 7+ for x ≥ 7), what they bought in the holdout and what was predicted, as lifetimes'
/// `plot_calibration_purchases_vs_holdout_purchases` shows.
public struct CalibrationBucket: Sendable, Codable, Equatable {
    /// Buckets 0 … `lastBucket`; the last one holds every x ≥ `lastBucket`.
    public static let lastBucket = 7

    /// The bucket's lowest calibration frequency (7 for 7+).
    public var frequency: Int
    /// `0` … `6`, `7+`.
    public var label: String
    public var customers: Int
    /// Σ xₕ, Σ model prediction (nil without a converged purchase model), Σ baseline prediction.
    public var actualTotal: Double
    public var modelTotal: Double?
    public var baselineTotal: Double
    public var actualMean: Double { actualTotal / Double(customers) }
    public var modelMean: Double? { modelTotal.map { $0 / Double(customers) } }
    public var baselineMean: Double { baselineTotal / Double(customers) }

    public static func label(_ frequency: Int) -> String {
        frequency >= lastBucket ? "\(lastBucket)+" : "\(frequency)"
    }

    /// The non-empty buckets, in frequency order.
    public static func table(observations: HoldoutObservations, predictions: HoldoutPredictions) -> [CalibrationBucket] {
        var buckets = (0...lastBucket).map {
            CalibrationBucket(frequency: $0, label: label($0), customers: 0, actualTotal: 0, modelTotal: 0, baselineTotal: 0)
        }
        for customer in observations.histories.indices {
            let index = min(observations.histories[customer].frequency, lastBucket)
            buckets[index].customers += 1
            buckets[index].actualTotal += Double(observations.holdoutPurchases[customer])
            buckets[index].baselineTotal += predictions.baselinePurchases[customer]
            if let total = buckets[index].modelTotal, let predicted = predictions.modelPurchases[customer] {
                buckets[index].modelTotal = total + predicted
            } else {
                buckets[index].modelTotal = nil
            }
        }
        return buckets.filter { $0.customers > 0 }
    }

    enum CodingKeys: String, CodingKey {
        case frequency, label, customers, actualTotal = "actual_total", modelTotal = "model_total", baselineTotal = "baseline_total"
        case actualMean = "actual_mean", modelMean = "model_mean", baselineMean = "baseline_mean"
    }

    public init(frequency: Int, label: String, customers: Int, actualTotal: Double, modelTotal: Double?, baselineTotal: Double) {
        self.frequency = frequency
        self.label = label
        self.customers = customers
        self.actualTotal = actualTotal
        self.modelTotal = modelTotal
        self.baselineTotal = baselineTotal
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        frequency = try container.decode(Int.self, forKey: .frequency)
        label = try container.decode(String.self, forKey: .label)
        customers = try container.decode(Int.self, forKey: .customers)
        actualTotal = try container.decode(Double.self, forKey: .actualTotal)
        modelTotal = try container.decodeIfPresent(Double.self, forKey: .modelTotal)
        baselineTotal = try container.decode(Double.self, forKey: .baselineTotal)
    }

    /// The totals and, for readers, the means.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(frequency, forKey: .frequency)
        try container.encode(label, forKey: .label)
        try container.encode(customers, forKey: .customers)
        try container.encode(actualTotal, forKey: .actualTotal)
        try container.encodeIfPresent(modelTotal, forKey: .modelTotal)
        try container.encode(baselineTotal, forKey: .baselineTotal)
        try container.encode(actualMean, forKey: .actualMean)
        try container.encodeIfPresent(modelMean, forKey: .modelMean)
        try container.encode(baselineMean, forKey: .baselineMean)
    }
}
