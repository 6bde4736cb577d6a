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
        let result = evaluate(logParameters: logParameters, data: data, withHessian: false)
        return (result.value, result.gradient)
    }

    /// The same with the Hessian in log parameters (Newton's method fits with it).
    public static func negativeLogLikelihoodWithHessian(logParameters: [Double], data: SpendHistories)
        -> (value: Double, gradient: [Double], hessian: [[Double]]) {
        evaluate(logParameters: logParameters, data: data, withHessian: true)
    }

    /// Per repeat buyer (note 025 eq. 1a): ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln v + (px−1) ln m +
    /// px ln x − (px+q) ln(xm+v); natural-parameter derivatives, converted to log parameters at the end.
    static func evaluate(logParameters: [Double], data: SpendHistories, withHessian: Bool)
        -> (value: Double, gradient: [Double], hessian: [[Double]]) {
        let p = exp(logParameters[0]), q = exp(logParameters[1]), v = exp(logParameters[2])
        let logGammaQ = SpecialFunctions.logGamma(q), digammaQ = SpecialFunctions.digamma(q), logV = log(v)
        let trigammaQ = withHessian ? SpecialFunctions.trigamma(q) : 0
        var ll = 0.0, dP = 0.0, dQ = 0.0, dV = 0.0
        var hPP = 0.0, hPQ = 0.0, hQQ = 0.0
        for group in data.groups {
            let x = Double(group.frequency)
            let px = p * x, logX = log(x)
            let digammaPXQ = SpecialFunctions.digamma(px + q)
            ll += group.weight * (SpecialFunctions.logGamma(px + q) - SpecialFunctions.logGamma(px) - logGammaQ + q * logV + px * logX)
                + (px - 1) * group.weightedLogValue
            dP += group.weight * x * (digammaPXQ - SpecialFunctions.digamma(px) + logX) + x * group.weightedLogValue
            dQ += group.weight * (digammaPXQ - digammaQ + logV)
            dV += group.weight * q / v
            if withHessian {
                let trigammaPXQ = SpecialFunctions.trigamma(px + q)
                hPP += group.weight * x * x * (trigammaPXQ - SpecialFunctions.trigamma(px))
                hPQ += group.weight * x * trigammaPXQ
                hQQ += group.weight * (trigammaPXQ - trigammaQ)
            }
        }
        // −(px+q) ln(xm+v) per row: Σ w ln t, Σ w x ln t, Σ w/t, Σ w x/t (and Σ w/t², Σ w x/t² for the
        // Hessian), t = xm + v, in fixed chunks summed in order (the same bits on any worker count).
        let partials = Chunks.map(data.frequency.count) { rows -> [Double] in
            var sums = [Double](repeating: 0, count: 6)
            for i in rows {
                let w = data.weight[i], x = data.rowFrequency[i]
                let total = data.totalValue[i] + v
                let inverse = 1 / total
                let weightedLog = w * log(total), weightedInverse = w * inverse
                sums[0] += weightedLog
                sums[1] += x * weightedLog
                sums[2] += weightedInverse
                sums[3] += x * weightedInverse
                if withHessian {
                    sums[4] += weightedInverse * inverse
                    sums[5] += x * weightedInverse * inverse
                }
            }
            return sums
        }
        var sums = [Double](repeating: 0, count: 6)
        for partial in partials {
            for k in 0..<6 { sums[k] += partial[k] }
        }
        ll -= p * sums[1] + q * sums[0]
        dP -= sums[1]
        dQ -= sums[0]
        dV -= p * sums[3] + q * sums[2]
        let scale = -1 / data.totalWeight
        let theta = [p, q, v], gradient = [dP, dQ, dV]
        let logGradient = (0..<3).map { gradient[$0] * theta[$0] * scale }
        guard withHessian else { return (ll * scale, logGradient, []) }
        var natural = [[Double]](repeating: [Double](repeating: 0, count: 3), count: 3)
        natural[0][0] = hPP
        natural[0][1] = hPQ
        natural[0][2] = -sums[3]
        natural[1][1] = hQQ
        natural[1][2] = data.totalWeight / v - sums[2]
        natural[2][2] = -q * data.totalWeight / (v * v) + p * sums[5] + q * sums[4]
        return (ll * scale, logGradient, RowSums.logParameterHessian(natural, gradient: gradient, parameters: theta, scale: scale))
    }
}
