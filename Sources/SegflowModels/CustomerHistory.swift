/// One customer's purchase history in the BTYD summary form (lifetimes'
/// `summary_data_from_transaction_data`): `frequency` x = repeat purchase periods, `recency` tₓ = time
/// from the first to the last purchase, `age` T = time from the first purchase to the end of
/// observation, all in one time unit (days in segflow).
public struct CustomerHistory: Hashable, Sendable, Comparable {
    public var frequency: Int
    public var recency: Double
    public var age: Double

    public init(frequency: Int, recency: Double, age: Double) {
        self.frequency = frequency
        self.recency = recency
        self.age = age
    }

    /// Why this history cannot be fitted or predicted, or nil when it is valid:
    /// x ≥ 0, 0 ≤ tₓ ≤ T, tₓ = 0 when x = 0, all finite.
    public var problem: String? {
        guard frequency >= 0 else { return "frequency \(frequency) is negative" }
        guard recency.isFinite, age.isFinite else { return "recency or age is not finite" }
        guard recency >= 0, recency <= age else { return "recency \(recency) is not within [0, age \(age)]" }
        guard frequency > 0 || recency == 0 else { return "recency \(recency) is not 0 for frequency 0" }
        return nil
    }

    /// `problem == nil`, without building the message.
    var isValid: Bool {
        frequency >= 0 && recency.isFinite && age.isFinite && recency >= 0 && recency <= age && (frequency > 0 || recency == 0)
    }

    public static func < (lhs: CustomerHistory, rhs: CustomerHistory) -> Bool {
        (lhs.frequency, lhs.recency, lhs.age) < (rhs.frequency, rhs.recency, rhs.age)
    }
}
