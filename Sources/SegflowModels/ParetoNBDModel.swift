#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Pareto/NBD (Schmittlein, Morrison & Colombo 1987; formulas from Fader, Hardie & Lee 2005, "A note
/// on deriving the Pareto/NBD model and related expressions", note 009): while alive a customer buys
/// as a Poisson process with rate λ ~ Gamma(r, α); the lifetime is exponential with rate
/// μ ~ Gamma(s, β), independent of λ, so dropout can happen at any time, not only after a purchase.
/// Parameters r, α (time), s, β (time).
///
/// The ₂F₁ of the paper's A₀ is replaced by the integral it stands for, computed by quadrature
/// (`ParetoNBDIntegral`); see docs/models.md for why and for the accuracy checks.
public struct ParetoNBDModel: PurchaseModel, Equatable {
    public static let name = "pareto_nbd"
    public static let parameterNames = ["r", "alpha", "s", "beta"]
    public static let timeParameterIndices = [1, 3]

    public let r: Double
    public let alpha: Double
    public let s: Double
    public let beta: Double

    /// Unchecked; `init?(parameters:)` is the validating path.
    public init(r: Double, alpha: Double, s: Double, beta: Double) {
        (self.r, self.alpha, self.s, self.beta) = (r, alpha, s, beta)
    }

    public init?(parameters: [Double]) {
        guard parameters.count == 4, parameters.allSatisfy({ $0 > 0 && $0.isFinite }) else { return nil }
        self.init(r: parameters[0], alpha: parameters[1], s: parameters[2], beta: parameters[3])
    }

    public var parameters: [Double] { [r, alpha, s, beta] }

    /// Per customer (note 009 eq. 18 with A₀ written as the integral it is):
    /// L = Γ(r+x) α^r β^s / Γ(r) · [(α+T)^−(r+x) (β+T)^−s + s·I], I = ∫ₜₓᵀ (α+τ)^−(r+x) (β+τ)^−(s+1) dτ
    /// — the first term "alive at T", the second "died at τ ∈ (tₓ, T]". ln L = A₁ + ln(e^E + e^(ln s + ln I))
    /// with A₁ = ln Γ(r+x) − ln Γ(r) + r ln α + s ln β and E = −(r+x) ln(α+T) − s ln(β+T). The gradient
    /// is analytic: the derivatives of ln I are means of −ln(α+τ), −ln(β+τ), −(r+x)/(α+τ), −(s+1)/(β+τ)
    /// under the integrand, from the same quadrature nodes. Value and gradient are NaN when a
    /// quadrature did not converge (the minimiser then treats the point as unusable).
    public static func negativeLogLikelihood(logParameters: [Double], data: FittingHistories) -> (value: Double, gradient: [Double]) {
        let r = exp(logParameters[0]), alpha = exp(logParameters[1]), s = exp(logParameters[2]), beta = exp(logParameters[3])
        let logGammaR = SpecialFunctions.logGamma(r), digammaR = SpecialFunctions.digamma(r)
        let logAlpha = log(alpha), logBeta = log(beta), logS = log(s)
        var ll = 0.0, dR = 0.0, dAlpha = 0.0, dS = 0.0, dBeta = 0.0
        for group in data.groups {
            let x = Double(group.frequency)
            let rx = r + x
            ll += group.weight * (SpecialFunctions.logGamma(rx) - logGammaR + r * logAlpha + s * logBeta)
            dR += group.weight * (SpecialFunctions.digamma(rx) - digammaR + logAlpha)
            dAlpha += group.weight * r / alpha
            dS += group.weight * logBeta
            dBeta += group.weight * s / beta
            for i in group.range {
                let w = data.weight[i], age = data.age[i]
                guard let integral = ParetoNBDIntegral(alpha: alpha, alphaExponent: rx, beta: beta, betaExponent: s + 1,
                                                       from: data.recency[i], to: age)
                else { return (.nan, [.nan, .nan, .nan, .nan]) }
                let logAlphaAge = log(alpha + age), logBetaAge = log(beta + age)
                let alive = -rx * logAlphaAge - s * logBetaAge
                let died = logS + integral.logValue
                let top = max(alive, died)
                let eAlive = exp(alive - top), eDied = exp(died - top)
                let sum = eAlive + eDied
                let pAlive = eAlive / sum, pDied = eDied / sum
                ll += w * (top + log(sum))
                dR -= w * (pAlive * logAlphaAge + pDied * integral.meanLogAlpha)
                dAlpha -= w * rx * (pAlive / (alpha + age) + pDied * integral.meanInverseAlpha)
                dS += w * (-pAlive * logBetaAge + pDied * (1 / s - integral.meanLogBeta))
                dBeta -= w * (pAlive * s / (beta + age) + pDied * (s + 1) * integral.meanInverseBeta)
            }
        }
        let scale = -1 / data.totalWeight
        return (ll * scale, [dR * r * scale, dAlpha * alpha * scale, dS * s * scale, dBeta * beta * scale])
    }

    /// ln of s·I/e^E, the odds of "died before T" against "alive at T"; nil if the quadrature failed.
    private func logOddsDead(_ history: CustomerHistory) -> Double? {
        let rx = r + Double(history.frequency)
        guard let integral = ParetoNBDIntegral(alpha: alpha, alphaExponent: rx, beta: beta, betaExponent: s + 1,
                                               from: history.recency, to: history.age) else { return nil }
        return log(s) + integral.logValue + rx * log(alpha + history.age) + s * log(beta + history.age)
    }

    /// P(alive at T | x, tₓ, T) = e^E / (e^E + s·I) (note 009 eq. 36 with A₀ as the integral). NaN only
    /// if the quadrature did not converge (not observed on the tested parameter grid).
    public func probabilityAlive(_ history: CustomerHistory) -> Double {
        guard let logOdds = logOddsDead(history) else { return .nan }
        return 1 / (1 + exp(logOdds))
    }

    /// Note 009 eq. 41: P(alive) · (r+x)(β+T) / ((α+T)(s−1)) · [1 − ((β+T)/(β+T+t))^(s−1)], the bracket
    /// divided by s − 1 as −expm1(−(s−1)ℓ)/(s−1), ℓ = ln(1 + t/(β+T)), which is ℓ at s = 1 (the limit).
    public func conditionalExpectedPurchases(within t: Double, _ history: CustomerHistory) -> Double? {
        guard t > 0 else { return 0 }
        let alive = probabilityAlive(history)
        guard alive.isFinite, let givenAlive = expectedPurchasesGivenAlive(within: t, frequency: history.frequency, age: history.age)
        else { return nil }
        return alive * givenAlive
    }

    public static var expectationFactorsThroughAlive: Bool { true }

    /// (r+x)(β+T)/(α+T) · [1 − ((β+T)/(β+T+t))^(s−1)] / (s−1) (the limit ln(1 + t/(β+T)) at s = 1):
    /// closed form, so the batch path needs no quadrature beyond P(alive).
    public func expectedPurchasesGivenAlive(within t: Double, frequency: Int, age: Double) -> Double? {
        guard t > 0 else { return 0 }
        let x = Double(frequency)
        let betaAge = beta + age
        let logGrowth = log1p(t / betaAge)
        let lifetimeFactor = s == 1 ? logGrowth : -expm1(-(s - 1) * logGrowth) / (s - 1)
        return (r + x) * betaAge / (alpha + age) * lifetimeFactor
    }

    /// Median of the waiting time W from T to the next purchase given the customer is alive at T, with
    /// "drops out before buying again" counted as W = ∞ — nil when that median does not exist.
    ///
    /// Given alive at T, λ ~ Gamma(r+x, A) and μ ~ Gamma(s, B) independently, A = α+T, B = β+T (the alive
    /// branch of the likelihood is λˣ e^(−(λ+μ)T)). Unlike BG/NBD, dropout can come first, so
    /// F(w) = P(W ≤ w) = E[λ/(λ+μ) (1 − e^(−(λ+μ)w))] = ∫₀ʷ k/A (A/(A+u))^(k+1) (B/(B+u))^s du, k = r+x,
    /// tends to P(ever buys again) = F(∞) < 1. With y = (A/(A+u))^K, K = k+s:
    /// F(w) = (k/K)(B/A)^s ∫ from y_w to 1 of (1 − z y^(1/K))^(−s) dy, z = 1 − B/A, y_w = (A/(A+w))^K.
    /// nil when F(∞) ≤ 1/2; otherwise solved for F(w) = 1/2 by safeguarded Newton steps on y (each a
    /// tanh-sinh integral) and w = A·(y^(−1/K) − 1). As s → 0 this is the BG/NBD Lomax median.
    public func medianTimeToNextPurchase(_ history: CustomerHistory) -> Double? {
        let k = r + Double(history.frequency)
        let bigK = k + s
        let ageA = alpha + history.age, ageB = beta + history.age
        let oneMinusZ = ageB / ageA, z = 1 - ageB / ageA
        func integrand(_ u: Double, _ distanceToOne: Double) -> Double {
            let base = distanceToOne < 0.5
                ? oneMinusZ - z * expm1(log1p(-distanceToOne) / bigK)
                : 1 - z * exp(log(u) / bigK)
            return exp(-s * log(base))
        }
        func tail(from y: Double) -> Double? {
            guard y < 1 else { return 0 }
            let length = 1 - y
            return TanhSinh.integrate(length: length, { left, right in
                TanhSinh.Lanes(right <= left ? integrand(1 - right, right) : integrand(y + left, length - left))
            })?.l0
        }
        // ∫ from y to 1 of the integrand must reach this for F = 1/2.
        let target = 0.5 * bigK / k * exp(s * log(ageA / ageB))
        guard let total = tail(from: 0), total.isFinite, total > target else { return nil }
        var low = 0.0, high = 1.0, y = 0.5
        for _ in 0..<100 {
            guard let value = tail(from: y) else { return nil }
            let residual = value - target
            if abs(residual) <= 1e-13 * target { break }
            if residual > 0 { low = y } else { high = y }
            // The tail falls with slope −integrand(y): Newton, bisecting when it leaves the bracket.
            var next = y + residual / integrand(y, 1 - y)
            if !(next > low && next < high) { next = 0.5 * (low + high) }
            if next == y || high - low <= 1e-15 * high { break }
            y = next
        }
        return ageA * expm1(-log(y) / bigK)
    }
}
