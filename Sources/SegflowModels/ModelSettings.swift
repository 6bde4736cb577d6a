/// What the pipeline file's `models:` section chooses (docs/pipeline-file.md): which purchase model,
/// the time unit of its parameters, the penalizer, and how lifetime value is computed. One definition
/// shared by `segflow run` (the prediction features and `model_fits`) and `segflow evaluate`.
public struct ModelSettings: Sendable, Hashable {
    /// Off: no fit, prediction features null, no `model_fits` rows.
    public var enabled: Bool
    public var purchaseModel: PurchaseModelKind
    public var timeUnit: ModelTimeUnit
    /// lifetimes' `penalizer_coef` (L2 on the parameters in the scaled time unit), for both models.
    public var penalizer: Double
    /// Share of revenue that is margin; `predicted_clv_365d` is margin × expected revenue.
    public var margin: Double
    /// Yearly discount rate; discounting is monthly at (1 + rate)^(1/12) − 1.
    public var annualDiscountRate: Double
    /// Months of 365/12 days that `predicted_clv_365d` covers (12: exactly 365 days).
    public var clvHorizonMonths: Int

    public init(enabled: Bool = true, purchaseModel: PurchaseModelKind = .bgNbd, timeUnit: ModelTimeUnit = .days,
                penalizer: Double = 0, margin: Double = 1, annualDiscountRate: Double = 0.1, clvHorizonMonths: Int = 12) {
        self.enabled = enabled
        self.purchaseModel = purchaseModel
        self.timeUnit = timeUnit
        self.penalizer = penalizer
        self.margin = margin
        self.annualDiscountRate = annualDiscountRate
        self.clvHorizonMonths = clvHorizonMonths
    }

    /// Lifetime value settings in the model's time unit: `clvHorizonMonths` periods of 365/12 days.
    public var valueSettings: ValueSettings {
        ValueSettings(periods: clvHorizonMonths, periodLength: (365.0 / 12) / timeUnit.days,
                      periodDiscountRate: pow(1 + annualDiscountRate, 1.0 / 12) - 1, margin: margin)
    }
}

/// The purchase model a pipeline fits (`models.purchase`).
public enum PurchaseModelKind: String, Sendable, Hashable, CaseIterable {
    case bgNbd = "bg_nbd"
    case mbgNbd = "mbg_nbd"
    case paretoNbd = "pareto_nbd"
}

/// The unit of the fitted time parameters (α; Pareto/NBD's β too) and of the histories the model sees. The BTYD summary is
/// in days; weeks divide recency and age by 7 (frequency stays repeat purchase days). The likelihood is
/// equivariant under this scaling, so r, a, b are the same in either unit and α_weeks = α_days / 7.
public enum ModelTimeUnit: String, Sendable, Hashable, CaseIterable {
    case days
    case weeks

    /// Days per unit.
    public var days: Double {
        switch self {
        case .days: 1
        case .weeks: 7
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
