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
        var logDropout = [Double](repeating: 0, count: data.groups.count)
        var inverseBX = [Double](repeating: 0, count: data.groups.count)
        for (index, group) in data.groups.enumerated() {
            let x = Double(group.frequency)
            let rx = r + x
            let digammaABX = SpecialFunctions.digamma(a + b + x + 1)
            ll += group.weight * (SpecialFunctions.logGamma(rx) - logGammaR + r * logAlpha
                + logGammaAB + SpecialFunctions.logGamma(b + x + 1) - logGammaB - SpecialFunctions.logGamma(a + b + x + 1))
            dR += group.weight * (SpecialFunctions.digamma(rx) - digammaR + logAlpha)
            dAlpha += group.weight * r / alpha
            dA += group.weight * (digammaAB - digammaABX)
            dB += group.weight * (digammaAB + SpecialFunctions.digamma(b + x + 1) - digammaB - digammaABX)
            logDropout[index] = logA - log(b + x)
            inverseBX[index] = 1 / (b + x)
        }
        let logTime = data.distinctTimes.map { log(alpha + $0) }
        let inverseTime = data.distinctTimes.map { 1 / (alpha + $0) }
        // Per row, in fixed chunks summed in order (the same bits on any worker count).
        let partials = Chunks.map(data.frequency.count) { rows -> RowSums in
            var sums = RowSums()
            for i in rows {
                let w = data.weight[i]
                let group = Int(data.groupOfRow[i])
                let rx = r + Double(data.frequency[i])
                let ageIndex = Int(data.ageIndex[i]), recencyIndex = Int(data.recencyIndex[i])
                let logAgeTerm = logTime[ageIndex], logRecencyTerm = logTime[recencyIndex]
                let a4 = logDropout[group] + rx * (logAgeTerm - logRecencyTerm)
                // ln(1 + e^A₄) and its derivative σ(A₄), stable for either sign of A₄.
                let small = exp(-abs(a4))
                let softplus = max(a4, 0) + log1p(small)
                let sigmoid = a4 > 0 ? 1 / (1 + small) : small / (1 + small)
                sums.ll += w * (-rx * logAgeTerm + softplus)
                sums.dR += w * (-logAgeTerm + sigmoid * (logAgeTerm - logRecencyTerm))
                sums.dAlpha += w * rx * (-inverseTime[ageIndex] + sigmoid * (inverseTime[ageIndex] - inverseTime[recencyIndex]))
                sums.dA += w * sigmoid
                sums.dB -= w * sigmoid * inverseBX[group]
            }
            return sums
        }
        var rows = RowSums()
        for partial in partials { rows.add(partial) }
        ll += rows.ll
        dR += rows.dR
        dAlpha += rows.dAlpha
        dA += rows.dA / a
        dB += rows.dB
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
    /// / (1 + a/(b+x) ((α+T)/(α+tₓ))^(r+x)), z = t/(α+T+t): the expectation given alive times
    /// `probabilityAlive`.
    public func conditionalExpectedPurchases(within t: Double, _ history: CustomerHistory) -> Double? {
        expectedPurchasesGivenAlive(within: t, frequency: history.frequency, age: history.age).map { $0 * probabilityAlive(history) }
    }

    public static var expectationFactorsThroughAlive: Bool { true }

    /// (a+b+x)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) ₂F₁(r+x, b+x+1; a+b+x; z)], the bracket through
    /// Euler's transformation as for BG/NBD.
    public func expectedPurchasesGivenAlive(within t: Double, frequency: Int, age: Double) -> Double? {
        guard t > 0 else { return 0 }
        let x = Double(frequency)
        let z = t / (alpha + age + t)
        guard let tail = SpecialFunctions.scaledHypergeometric2F1(r + x, b + x + 1, a + b + x, z, timesOneMinusZToThe: r + x)
        else { return nil }
        return (a + b + x) / (a - 1) * (1 - tail)
    }
}
