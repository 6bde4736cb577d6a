#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How customer lifetime value is computed (see `CustomerPredictions`): lifetimes'
/// `customer_lifetime_value` with `periods` steps of `periodLength` time units (lifetimes: months of
/// 30 days), discounted per period, times a margin.
public struct ValueSettings: Sendable, Equatable {
    /// Number of discounting periods (lifetimes' `time`, in months).
    public var periods: Int
    /// Length of one period in the model's time unit (lifetimes' `factor`: 30 for days).
    public var periodLength: Double
    /// Discount rate per period (lifetimes' `discount_rate`, monthly).
    public var periodDiscountRate: Double
    /// Share of spend that is margin (1 reproduces lifetimes, which has none).
    public var margin: Double

    public init(periods: Int = 12, periodLength: Double = 30, periodDiscountRate: Double = 0.01, margin: Double = 1) {
        self.periods = periods
        self.periodLength = periodLength
        self.periodDiscountRate = periodDiscountRate
        self.margin = margin
    }

    /// Monthly periods of 30 days over `months`, with the monthly rate equivalent to `annualDiscountRate`:
    /// (1 + annual)^(1/12) − 1.
    public static func monthly(months: Int = 12, annualDiscountRate: Double, margin: Double, daysPerTimeUnit: Double = 1) -> ValueSettings {
        ValueSettings(periods: months, periodLength: 30 / daysPerTimeUnit,
                      periodDiscountRate: pow(1 + annualDiscountRate, 1.0 / 12) - 1, margin: margin)
    }
}
