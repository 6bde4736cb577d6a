#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The special functions the models' likelihoods and predictions need, in one place.
/// Every function is a plain sequential computation: the same input gives the same bits.
public enum SpecialFunctions {
    /// ln Γ(x) for x > 0 (the C library's reentrant `lgamma_r`, so tests running in parallel do not
    /// race on the global `signgam`).
    public static func logGamma(_ x: Double) -> Double {
        var sign: Int32 = 0
        return lgamma_r(x, &sign)
    }

    /// ψ(x) = d/dx ln Γ(x) for x > 0: recurrence ψ(x) = ψ(x + 1) − 1/x up to x ≥ 10, then the
    /// asymptotic series to the x⁻¹² term (truncation error below 1e-16 relative there).
    public static func digamma(_ x: Double) -> Double {
        guard x > 0, x.isFinite else { return x == .infinity ? .infinity : .nan }
        var value = 0.0
        var shifted = x
        while shifted < 10 {
            value -= 1 / shifted
            shifted += 1
        }
        let inverse = 1 / shifted
        let inverseSquared = inverse * inverse
        // Bernoulli terms B₂ₖ / (2k) for k = 1 … 6, evaluated by Horner in 1/x².
        let series = inverseSquared * (1.0 / 12 - inverseSquared * (1.0 / 120 - inverseSquared * (1.0 / 252
            - inverseSquared * (1.0 / 240 - inverseSquared * (1.0 / 132 - inverseSquared * (691.0 / 32760))))))
        return value + log(shifted) - 0.5 * inverse - series
    }

    /// ψ₁(x) = d²/dx² ln Γ(x) for x > 0: recurrence ψ₁(x) = ψ₁(x + 1) + 1/x² up to x ≥ 10, then the
    /// asymptotic series 1/x + 1/(2x²) + Σ B₂ₖ/x^(2k+1) to the x⁻¹³ term (below 1e-16 relative there).
    public static func trigamma(_ x: Double) -> Double {
        guard x > 0, x.isFinite else { return x == .infinity ? 0 : .nan }
        var value = 0.0
        var shifted = x
        while shifted < 10 {
            value += 1 / (shifted * shifted)
            shifted += 1
        }
        let inverse = 1 / shifted
        let inverseSquared = inverse * inverse
        // B₂ = 1/6, B₄ = −1/30, B₆ = 1/42, B₈ = −1/30, B₁₀ = 5/66, B₁₂ = −691/2730.
        let series = inverse * inverseSquared * (1.0 / 6 - inverseSquared * (1.0 / 30 - inverseSquared * (1.0 / 42
            - inverseSquared * (1.0 / 30 - inverseSquared * (5.0 / 66 - inverseSquared * (691.0 / 2730))))))
        return value + inverse + 0.5 * inverseSquared + series
    }

    /// The Gauss hypergeometric series ₂F₁(a, b; c; z) for 0 ≤ z < 1, summed term by term until a term
    /// no longer changes the sum (relative 1e-17) for several terms in a row. Returns nil when it has
    /// not converged within `maximumTerms` or a term is not finite, so a caller can report it instead
    /// of publishing a wrong number. Callers pass the Euler-transformed form where that converges
    /// faster (see `BGNBDModel.conditionalExpectedPurchases`).
    public static func hypergeometric2F1(
        _ a: Double, _ b: Double, _ c: Double, _ z: Double, maximumTerms: Int = 1_000_000
    ) -> Double? {
        // c may be negative (BG/NBD's a+b+x−1 for x = 0 when a+b < 1): the series is defined unless c is
        // 0, −1, −2, … (a term would divide by zero).
        guard z >= 0, z < 1, c > 0 || c.rounded() != c else { return nil }
        var sum = 1.0
        var term = 1.0
        var quietTerms = 0
        for n in 0..<maximumTerms {
            let k = Double(n)
            term *= (a + k) * (b + k) / ((c + k) * (k + 1)) * z
            guard term.isFinite else { return nil }
            let next = sum + term
            if term == 0 { return next }
            if abs(term) <= 1e-17 * abs(next) {
                quietTerms += 1
                // The ratio of successive terms tends to z < 1 only once k exceeds |a|, |b| (and −c when c < 0):
                // stop when a run of terms is negligible and the terms are already shrinking.
                if quietTerms >= 3, k > abs(a) + abs(b) + max(0, -c) { return next }
            } else {
                quietTerms = 0
            }
            sum = next
        }
        return nil
    }

    /// (1 − z)^(c−a−b) · ₂F₁(c−a, c−b; c; z) = ₂F₁(a, b; c; z) (Euler's transformation), multiplied by
    /// (1 − z)^s, computed without forming the possibly huge ₂F₁(a, b; c; z) itself.
    static func scaledHypergeometric2F1(
        _ a: Double, _ b: Double, _ c: Double, _ z: Double, timesOneMinusZToThe s: Double
    ) -> Double? {
        guard let transformed = hypergeometric2F1(c - a, c - b, c, z) else { return nil }
        return transformed * exp((c - a - b + s) * log1p(-z))
    }
}
