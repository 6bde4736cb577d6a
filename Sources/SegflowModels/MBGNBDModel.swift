#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// MBG/NBD (Batislam, Denizel & Filiztekin 2007): BG/NBD where the customer may also drop out right
/// after the first purchase, so a customer without repeat purchases need not be alive. Formulas as
/// lifetimes 0.11.3's `ModifiedBetaGeoFitter`.
public struct MBGNBDModel: BetaGeometricModel, Equatable {
    public static let name = "mbg_nbd"

    public let r: Double
    public let alpha: Double
    public let a: Double
    public let b: Double

    public init(r: Double, alpha: Double, a: Double, b: Double) {
        (self.r, self.alpha, self.a, self.b) = (r, alpha, a, b)
    }

    /// Per customer: ln L = A₁ + A₂ + A₃ + ln(1 + e^A₄) with A₁ as BG/NBD,
    /// A₂ = ln Γ(a+b) + ln Γ(b+x+1) − ln Γ(b) − ln Γ(a+b+x+1), A₃ = −(r+x) ln(α+T),
    /// A₄ = ln a − ln(b+x) + (r+x)(ln(α+T) − ln(α+tₓ)).
    public static func negativeLogLikelihood(logParameters: [Double], data: FittingHistories) -> (value: Double, gradient: [Double]) {
        let r = exp(logParameters[0]), alpha = exp(logParameters[1]), a = exp(logParameters[2]), b = exp(logParameters[3])
        let logGammaR = SpecialFunctions.logGamma(r), digammaR = SpecialFunctions.digamma(r)
        let logGammaAB = SpecialFunctions.logGamma(a + b), digammaAB = SpecialFunctions.digamma(a + b)
        let logGammaB = SpecialFunctions.logGamma(b), digammaB = SpecialFunctions.digamma(b)
        let logAlpha = log(alpha), logA = log(a)
        var ll = 0.0, dR = 0.0, dAlpha = 0.0, dA = 0.0, dB = 0.0
        for group in data.groups {
            let x = Double(group.frequency)
            let rx = r + x
            let digammaABX = SpecialFunctions.digamma(a + b + x + 1)
            ll += group.weight * (SpecialFunctions.logGamma(rx) - logGammaR + r * logAlpha
                + logGammaAB + SpecialFunctions.logGamma(b + x + 1) - logGammaB - SpecialFunctions.logGamma(a + b + x + 1))
            dR += group.weight * (SpecialFunctions.digamma(rx) - digammaR + logAlpha)
            dAlpha += group.weight * r / alpha
            dA += group.weight * (digammaAB - digammaABX)
            dB += group.weight * (digammaAB + SpecialFunctions.digamma(b + x + 1) - digammaB - digammaABX)
            let logDropout = logA - log(b + x)
            for i in group.range {
                let w = data.weight[i]
                let ageTerm = alpha + data.age[i], recencyTerm = alpha + data.recency[i]
                let logAgeTerm = log(ageTerm), logRecencyTerm = log(recencyTerm)
                let a4 = logDropout + rx * (logAgeTerm - logRecencyTerm)
                // ln(1 + e^A₄) and its derivative σ(A₄), stable for either sign of A₄.
                let softplus = a4 > 0 ? a4 + log1p(exp(-a4)) : log1p(exp(a4))
                let sigmoid = a4 > 0 ? 1 / (1 + exp(-a4)) : exp(a4) / (1 + exp(a4))
                ll += w * (-rx * logAgeTerm + softplus)
                dR += w * (-logAgeTerm + sigmoid * (logAgeTerm - logRecencyTerm))
                dAlpha += w * (-rx / ageTerm + sigmoid * rx * (1 / ageTerm - 1 / recencyTerm))
                dA += w * sigmoid / a
                dB -= w * sigmoid / (b + x)
            }
        }
        let scale = -1 / data.totalWeight
        return (ll * scale, [dR * r * scale, dAlpha * alpha * scale, dA * a * scale, dB * b * scale])
    }

    /// 1 / (1 + a/(b+x) · ((α+T)/(α+tₓ))^(r+x)), also for x = 0.
    public func probabilityAlive(_ history: CustomerHistory) -> Double {
        let x = Double(history.frequency)
        let logOdds = (r + x) * log((alpha + history.age) / (alpha + history.recency)) + log(a / (b + x))
        return 1 / (1 + exp(logOdds))
    }

    /// (a+b+x)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) ₂F₁(r+x, b+x+1; a+b+x; z)]
    /// / (1 + a/(b+x) ((α+T)/(α+tₓ))^(r+x)), z = t/(α+T+t); the bracket through Euler's
    /// transformation as for BG/NBD.
    public func conditionalExpectedPurchases(within t: Double, _ history: CustomerHistory) -> Double? {
        guard t > 0 else { return 0 }
        let x = Double(history.frequency)
        let z = t / (alpha + history.age + t)
        guard let tail = SpecialFunctions.scaledHypergeometric2F1(r + x, b + x + 1, a + b + x, z, timesOneMinusZToThe: r + x)
        else { return nil }
        let numerator = (a + b + x) / (a - 1) * (1 - tail)
        let denominator = 1 + exp(log(a / (b + x)) + (r + x) * log((alpha + history.age) / (alpha + history.recency)))
        return numerator / denominator
    }
}
