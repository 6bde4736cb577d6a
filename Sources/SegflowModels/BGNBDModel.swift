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
        let result = evaluate(logParameters: logParameters, data: data, withHessian: false)
        return (result.value, result.gradient)
    }

    public static var hasHessian: Bool { true }

    public static func negativeLogLikelihoodWithHessian(
        logParameters: [Double], data: FittingHistories
    ) -> (value: Double, gradient: [Double], hessian: [[Double]])? {
        let result = evaluate(logParameters: logParameters, data: data, withHessian: true)
        return (result.value, result.gradient, result.hessian)
    }

    /// The mean negative log-likelihood, its gradient and (when asked) its Hessian in log parameters.
    /// Per row with x > 0 the term ln(e^A₃ + e^A₄) has weights wᵢ = e^Aᵢ / (e^A₃ + e^A₄); its Hessian
    /// is w₃ ∇²A₃ + w₄ ∇²A₄ + w₃w₄ (∇A₃ − ∇A₄)(∇A₃ − ∇A₄)ᵀ. Natural-parameter derivatives are
    /// accumulated and converted at the end: ∂²f/∂ln θᵢ∂ln θⱼ = θᵢθⱼ ∂²f/∂θᵢ∂θⱼ + δᵢⱼ θᵢ ∂f/∂θᵢ.
    static func evaluate(logParameters: [Double], data: FittingHistories, withHessian: Bool)
        -> (value: Double, gradient: [Double], hessian: [[Double]]) {
        let r = exp(logParameters[0]), alpha = exp(logParameters[1]), a = exp(logParameters[2]), b = exp(logParameters[3])
        let logGammaR = SpecialFunctions.logGamma(r), digammaR = SpecialFunctions.digamma(r)
        let logGammaAB = SpecialFunctions.logGamma(a + b), digammaAB = SpecialFunctions.digamma(a + b)
        let logGammaB = SpecialFunctions.logGamma(b), digammaB = SpecialFunctions.digamma(b)
        let trigammaR = withHessian ? SpecialFunctions.trigamma(r) : 0
        let trigammaAB = withHessian ? SpecialFunctions.trigamma(a + b) : 0
        let trigammaB = withHessian ? SpecialFunctions.trigamma(b) : 0
        let logAlpha = log(alpha), logA = log(a)
        var total = RowSums()
        // A₁ and A₂ depend on the frequency only: once per group. Per group also ln a − ln(b+x−1)
        // and 1/(b+x−1) for the rows.
        var logDropout = [Double](repeating: 0, count: data.groups.count)
        var inverseBX = [Double](repeating: 0, count: data.groups.count)
        for (index, group) in data.groups.enumerated() {
            let x = Double(group.frequency)
            let rx = r + x
            let w = group.weight
            let digammaABX = SpecialFunctions.digamma(a + b + x)
            total.ll += w * (SpecialFunctions.logGamma(rx) - logGammaR + r * logAlpha
                + logGammaAB + SpecialFunctions.logGamma(b + x) - logGammaB - SpecialFunctions.logGamma(a + b + x))
            total.dR += w * (SpecialFunctions.digamma(rx) - digammaR + logAlpha)
            total.dAlpha += w * r / alpha
            total.dA += w * (digammaAB - digammaABX)
            total.dB += w * (digammaAB + SpecialFunctions.digamma(b + x) - digammaB - digammaABX)
            if withHessian {
                let trigammaABX = SpecialFunctions.trigamma(a + b + x)
                total.hRR += w * (SpecialFunctions.trigamma(rx) - trigammaR)
                total.hRAlpha += w / alpha
                total.hAlphaAlpha -= w * r / (alpha * alpha)
                total.hAA += w * (trigammaAB - trigammaABX)
                total.hAB += w * (trigammaAB - trigammaABX)
                total.hBB += w * (trigammaAB + SpecialFunctions.trigamma(b + x) - trigammaB - trigammaABX)
            }
            if group.frequency > 0 {
                logDropout[index] = logA - log(b + x - 1)
                inverseBX[index] = 1 / (b + x - 1)
            }
        }
        // ln(α + t) and 1/(α + t) once per distinct time.
        let logTime = data.distinctTimes.map { log(alpha + $0) }
        let inverseTime = data.distinctTimes.map { 1 / (alpha + $0) }
        // Per row A₃ and A₄, in fixed chunks summed in order (the same bits on any worker count).
        // The a-derivatives of A₄ are 1/a and −1/a², so rows sum w·w₄ and w·w₃w₄ and 1/a comes last.
        let partials = Chunks.map(data.frequency.count) { rows -> RowSums in
            var sums = RowSums()
            for i in rows {
                let w = data.weight[i]
                let group = Int(data.groupOfRow[i])
                let rx = r + Double(data.frequency[i])
                let ageIndex = Int(data.ageIndex[i])
                let logAgeTerm = logTime[ageIndex], inverseAge = inverseTime[ageIndex]
                if data.frequency[i] == 0 {
                    sums.ll -= w * rx * logAgeTerm
                    sums.dR -= w * logAgeTerm
                    sums.dAlpha -= w * rx * inverseAge
                    if withHessian {
                        sums.hRAlpha -= w * inverseAge
                        sums.hAlphaAlpha += w * rx * inverseAge * inverseAge
                    }
                    continue
                }
                let recencyIndex = Int(data.recencyIndex[i])
                let logRecencyTerm = logTime[recencyIndex], inverseRecency = inverseTime[recencyIndex]
                let a3 = -rx * logAgeTerm, a4 = logDropout[group] - rx * logRecencyTerm
                // ln(e^A₃ + e^A₄) = max + ln(1 + e^−|A₃−A₄|), and the two weights e^Aᵢ / Σ.
                let small = exp(-abs(a3 - a4))
                let share = small / (1 + small)
                let (w3, w4) = a3 >= a4 ? (1 - share, share) : (share, 1 - share)
                let inverseB = inverseBX[group]
                sums.ll += w * (max(a3, a4) + log1p(small))
                sums.dR -= w * (w3 * logAgeTerm + w4 * logRecencyTerm)
                sums.dAlpha -= w * rx * (w3 * inverseAge + w4 * inverseRecency)
                sums.dA += w * w4
                sums.dB -= w * w4 * inverseB
                if withHessian {
                    // ∇A₃ − ∇A₄ = (ln(α+tₓ) − ln(α+T), (r+x)(1/(α+tₓ) − 1/(α+T)), −1/a, 1/(b+x−1)).
                    let c = w * w3 * w4
                    let deltaR = logRecencyTerm - logAgeTerm, deltaAlpha = rx * (inverseRecency - inverseAge)
                    sums.hRR += c * deltaR * deltaR
                    sums.hRAlpha += c * deltaR * deltaAlpha - w * (w3 * inverseAge + w4 * inverseRecency)
                    sums.hRA += c * deltaR
                    sums.hRB += c * deltaR * inverseB
                    sums.hAlphaAlpha += c * deltaAlpha * deltaAlpha
                        + w * rx * (w3 * inverseAge * inverseAge + w4 * inverseRecency * inverseRecency)
                    sums.hAlphaA += c * deltaAlpha
                    sums.hAlphaB += c * deltaAlpha * inverseB
                    sums.hAA += c
                    sums.hAB += c * inverseB
                    sums.hBB += (w * w4 + c) * inverseB * inverseB
                }
            }
            return sums
        }
        var rows = RowSums()
        for partial in partials { rows.add(partial) }
        let inverseA = 1 / a
        total.ll += rows.ll
        total.dR += rows.dR
        total.dAlpha += rows.dAlpha
        total.dA += rows.dA * inverseA
        total.dB += rows.dB
        let scale = -1 / data.totalWeight
        let theta = [r, alpha, a, b]
        let gradient = [total.dR, total.dAlpha, total.dA, total.dB]
        guard withHessian else {
            return (total.ll * scale, (0..<4).map { gradient[$0] * theta[$0] * scale }, [])
        }
        // Rows' a-terms: ∂²/∂a² = (Σ w w₃w₄ − Σ w w₄)/a², the mixed ones −(…)/a.
        var natural = [[Double]](repeating: [Double](repeating: 0, count: 4), count: 4)
        natural[0][0] = total.hRR + rows.hRR
        natural[0][1] = total.hRAlpha + rows.hRAlpha
        natural[0][2] = -rows.hRA * inverseA
        natural[0][3] = rows.hRB
        natural[1][1] = total.hAlphaAlpha + rows.hAlphaAlpha
        natural[1][2] = -rows.hAlphaA * inverseA
        natural[1][3] = rows.hAlphaB
        natural[2][2] = total.hAA + (rows.hAA - rows.dA) * inverseA * inverseA
        natural[2][3] = total.hAB - rows.hAB * inverseA
        natural[3][3] = total.hBB + rows.hBB
        return (total.ll * scale, (0..<4).map { gradient[$0] * theta[$0] * scale },
                RowSums.logParameterHessian(natural, gradient: gradient, parameters: theta, scale: scale))
    }

    /// 1 for x = 0; else 1 / (1 + a/(b+x−1) · ((α+T)/(α+tₓ))^(r+x)) (Fader, Hardie & Lee, note 021).
    public func probabilityAlive(_ history: CustomerHistory) -> Double {
        guard history.frequency > 0 else { return 1 }
        let x = Double(history.frequency)
        let logOdds = (r + x) * log((alpha + history.age) / (alpha + history.recency)) + log(a / (b + x - 1))
        return 1 / (1 + exp(logOdds))
    }

    /// Paper eq. 10: (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) ₂F₁(r+x, b+x; a+b+x−1; z)]
    /// / (1 + δ(x>0) a/(b+x−1) ((α+T)/(α+tₓ))^(r+x)), z = t/(α+T+t): the expectation given alive
    /// times `probabilityAlive` (the divisor is 1 / P(alive)).
    public func conditionalExpectedPurchases(within t: Double, _ history: CustomerHistory) -> Double? {
        expectedPurchasesGivenAlive(within: t, frequency: history.frequency, age: history.age).map { $0 * probabilityAlive(history) }
    }

    public static var expectationFactorsThroughAlive: Bool { true }

    /// (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) ₂F₁(r+x, b+x; a+b+x−1; z)], z = t/(α+T+t). The
    /// bracket's product is evaluated through Euler's transformation as
    /// (1−z)^(a−1) ₂F₁(a+b−1−r, a−1; a+b+x−1; z), whose series converges fast where the original's
    /// terms grow huge (large x, z near 1).
    public func expectedPurchasesGivenAlive(within t: Double, frequency: Int, age: Double) -> Double? {
        guard t > 0 else { return 0 }
        let x = Double(frequency)
        let z = t / (alpha + age + t)
        guard let tail = SpecialFunctions.scaledHypergeometric2F1(r + x, b + x, a + b + x - 1, z, timesOneMinusZToThe: r + x)
        else { return nil }
        return (a + b + x - 1) / (a - 1) * (1 - tail)
    }
}
