#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV"; Fader & Hardie note 025): a
/// customer's transaction values are Gamma(p, ν) with ν ~ Gamma(q, v) across customers, independent of
/// the purchase process. Formulas as lifetimes 0.11.3's `GammaGammaFitter`.
public struct GammaGammaModel: Sendable, Equatable {
    public static let name = "gamma_gamma"
    public static let parameterNames = ["p", "q", "v"]

    public let p: Double
    public let q: Double
    public let v: Double

    public init?(parameters: [Double]) {
        guard parameters.count == 3, parameters.allSatisfy({ $0 > 0 && $0.isFinite }) else { return nil }
        (p, q, v) = (parameters[0], parameters[1], parameters[2])
    }

    public var parameters: [Double] { [p, q, v] }

    /// E[value] over the population, v·p/(q−1); nil when q ≤ 1 (the mean does not exist).
    public var populationMeanValue: Double? {
        q > 1 ? v * p / (q - 1) : nil
    }

    /// E[mean transaction value | x, m] = (1 − w)·v·p/(q−1) + w·m with w = p·x/(p·x + q − 1) (note 025
    /// eq. 5): the population mean for x = 0; nil for x > 0 with m ≤ 0 (outside the model) or q ≤ 1.
    public func conditionalExpectedAverageValue(frequency: Int, monetaryValue: Double) -> Double? {
        guard let populationMean = populationMeanValue else { return nil }
        guard frequency > 0 else { return populationMean }
        guard monetaryValue > 0, monetaryValue.isFinite else { return nil }
        let weight = p * Double(frequency) / (p * Double(frequency) + q - 1)
        return (1 - weight) * populationMean + weight * monetaryValue
    }

    /// Mean negative log-likelihood per customer and gradient in log parameters. Per customer (note 025
    /// eq. 1a): ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln v + (px−1) ln m + px ln x − (px+q) ln(xm+v).
    public static func negativeLogLikelihood(logParameters: [Double], data: SpendHistories) -> (value: Double, gradient: [Double]) {
        let p = exp(logParameters[0]), q = exp(logParameters[1]), v = exp(logParameters[2])
        let logGammaQ = SpecialFunctions.logGamma(q), digammaQ = SpecialFunctions.digamma(q), logV = log(v)
        var ll = 0.0, dP = 0.0, dQ = 0.0, dV = 0.0
        for group in data.groups {
            let x = Double(group.frequency)
            let px = p * x, logX = log(x)
            let digammaPXQ = SpecialFunctions.digamma(px + q)
            ll += group.weight * (SpecialFunctions.logGamma(px + q) - SpecialFunctions.logGamma(px) - logGammaQ + q * logV + px * logX)
                + (px - 1) * group.weightedLogValue
            dP += group.weight * x * (digammaPXQ - SpecialFunctions.digamma(px) + logX) + x * group.weightedLogValue
            dQ += group.weight * (digammaPXQ - digammaQ + logV)
            dV += group.weight * q / v
            var weightedLogTotal = 0.0, weightedInverseTotal = 0.0
            for i in group.range {
                let total = x * data.monetaryValue[i] + v
                weightedLogTotal += data.weight[i] * log(total)
                weightedInverseTotal += data.weight[i] / total
            }
            ll -= (px + q) * weightedLogTotal
            dP -= x * weightedLogTotal
            dQ -= weightedLogTotal
            dV -= (px + q) * weightedInverseTotal
        }
        let scale = -1 / data.totalWeight
        return (ll * scale, [dP * p * scale, dQ * q * scale, dV * v * scale])
    }
}
