#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way"): while alive a customer
/// buys as a Poisson process with rate λ ~ Gamma(r, α); after each repeat purchase the customer drops
/// out with probability p ~ Beta(a, b). Formulas as lifetimes 0.11.3's `BetaGeoFitter`.
public struct BGNBDModel: BetaGeometricModel, Equatable {
    public static let name = "bg_nbd"

    public let r: Double
    public let alpha: Double
    public let a: Double
    public let b: Double

    public init(r: Double, alpha: Double, a: Double, b: Double) {
        (self.r, self.alpha, self.a, self.b) = (r, alpha, a, b)
    }

    /// Per customer (paper eq. 6, lifetimes' form): ln L = A₁ + A₂ + ln(e^A₃ + δ(x>0) e^A₄) with
    /// A₁ = ln Γ(r+x) − ln Γ(r) + r ln α, A₂ = ln Γ(a+b) + ln Γ(b+x) − ln Γ(b) − ln Γ(a+b+x),
    /// A₃ = −(r+x) ln(α+T), A₄ = ln a − ln(b+x−1) − (r+x) ln(α+tₓ).
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
            // A₁ and A₂ depend on the frequency only: once per group.
            let digammaABX = SpecialFunctions.digamma(a + b + x)
            ll += group.weight * (SpecialFunctions.logGamma(rx) - logGammaR + r * logAlpha
                + logGammaAB + SpecialFunctions.logGamma(b + x) - logGammaB - SpecialFunctions.logGamma(a + b + x))
            dR += group.weight * (SpecialFunctions.digamma(rx) - digammaR + logAlpha)
            dAlpha += group.weight * r / alpha
            dA += group.weight * (digammaAB - digammaABX)
            dB += group.weight * (digammaAB + SpecialFunctions.digamma(b + x) - digammaB - digammaABX)
            if group.frequency == 0 {
                for i in group.range {
                    let w = data.weight[i]
                    let logAgeTerm = log(alpha + data.age[i])
                    ll -= w * rx * logAgeTerm
                    dR -= w * logAgeTerm
                    dAlpha -= w * rx / (alpha + data.age[i])
                }
            } else {
                let logDropout = logA - log(b + x - 1)
                for i in group.range {
                    let w = data.weight[i]
                    let logAgeTerm = log(alpha + data.age[i]), logRecencyTerm = log(alpha + data.recency[i])
                    let a3 = -rx * logAgeTerm, a4 = logDropout - rx * logRecencyTerm
                    let top = max(a3, a4)
                    let e3 = exp(a3 - top), e4 = exp(a4 - top)
                    let sum = e3 + e4
                    let w3 = e3 / sum, w4 = e4 / sum
                    ll += w * (top + log(sum))
                    dR -= w * (w3 * logAgeTerm + w4 * logRecencyTerm)
                    dAlpha -= w * rx * (w3 / (alpha + data.age[i]) + w4 / (alpha + data.recency[i]))
                    dA += w * w4 / a
                    dB -= w * w4 / (b + x - 1)
                }
            }
        }
        let scale = -1 / data.totalWeight
        return (ll * scale, [dR * r * scale, dAlpha * alpha * scale, dA * a * scale, dB * b * scale])
    }

    /// 1 for x = 0; else 1 / (1 + a/(b+x−1) · ((α+T)/(α+tₓ))^(r+x)) (Fader, Hardie & Lee, note 021).
    public func probabilityAlive(_ history: CustomerHistory) -> Double {
        guard history.frequency > 0 else { return 1 }
        let x = Double(history.frequency)
        let logOdds = (r + x) * log((alpha + history.age) / (alpha + history.recency)) + log(a / (b + x - 1))
        return 1 / (1 + exp(logOdds))
    }

    /// Paper eq. 10: (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) ₂F₁(r+x, b+x; a+b+x−1; z)]
    /// / (1 + δ(x>0) a/(b+x−1) ((α+T)/(α+tₓ))^(r+x)), z = t/(α+T+t). The bracket's product is
    /// evaluated through Euler's transformation as (1−z)^(a−1) ₂F₁(a+b−1−r, a−1; a+b+x−1; z), whose
    /// series converges fast where the original's terms grow huge (large x, z near 1).
    public func conditionalExpectedPurchases(within t: Double, _ history: CustomerHistory) -> Double? {
        guard t > 0 else { return 0 }
        let x = Double(history.frequency)
        let z = t / (alpha + history.age + t)
        guard let tail = SpecialFunctions.scaledHypergeometric2F1(r + x, b + x, a + b + x - 1, z, timesOneMinusZToThe: r + x)
        else { return nil }
        let numerator = (a + b + x - 1) / (a - 1) * (1 - tail)
        let denominator = history.frequency > 0
            ? 1 + exp(log(a / (b + x - 1)) + (r + x) * log((alpha + history.age) / (alpha + history.recency)))
            : 1
        return numerator / denominator
    }
}
