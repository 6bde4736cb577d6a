#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// I = ∫ from `lower` to `upper` of (α+τ)^(−e) (β+τ)^(−f) dτ, in logs, with the means of ln(α+τ),
/// ln(β+τ), 1/(α+τ) and 1/(β+τ) under the density ∝ the integrand (the derivatives of ln I with
/// respect to the exponents and the shifts).
///
/// This is Pareto/NBD's A₀ term without the ₂F₁: with e = r+x and f = s+1 on [tₓ, T],
/// s·I = s/(r+s+x) · A₀ of Fader, Hardie & Lee (2005, note 009 eq. 19–20), which writes I as the
/// difference of two ₂F₁(r+s+x, ·; r+s+x+1; z) terms at tₓ and at T. Integrating over [tₓ, T] directly
/// avoids that difference (which cancels when T ≈ tₓ) and the series (which fails as z → 1).
///
/// Quadrature (`TanhSinh`) in w = ln((m+τ)/(m+lower)), m = min(α, β): the integrand times dτ/dw,
/// (m+τ)·(α+τ)^(−e)(β+τ)^(−f), is log-concave in w with slopes between 1 − (exponent of the m factor)
/// and 1 − e − f, so it is a smooth bump on the unit scale however small m + lower is and however far
/// apart the scales are; a steep decay for large e (many purchases) is a boundary layer at w = 0, which
/// tanh-sinh's node crowding resolves. Every factor is evaluated relative to its value at `lower`
/// through log1p, so nothing overflows or cancels.
struct ParetoNBDIntegral {
    /// ln I; −∞ when the interval is empty.
    var logValue: Double
    var meanLogAlpha: Double
    var meanLogBeta: Double
    var meanInverseAlpha: Double
    var meanInverseBeta: Double

    /// nil when the quadrature did not converge.
    init?(alpha: Double, alphaExponent e: Double, beta: Double, betaExponent f: Double, from lower: Double, to upper: Double) {
        let alphaStart = alpha + lower, betaStart = beta + lower
        guard upper > lower else {
            self.init(logValue: -.infinity, meanLogAlpha: log(alphaStart), meanLogBeta: log(betaStart),
                      meanInverseAlpha: 1 / alphaStart, meanInverseBeta: 1 / betaStart)
            return
        }
        let smallStart = min(alphaStart, betaStart)
        let width = log1p((upper - lower) / smallStart)
        guard width.isFinite, let sums = TanhSinh.integrate(length: width, { left, _ in
            let delta = smallStart * expm1(left)
            let logAlphaRatio = log1p(delta / alphaStart), logBetaRatio = log1p(delta / betaStart)
            let h = exp(left - e * logAlphaRatio - f * logBetaRatio)
            return TanhSinh.Lanes(h, h * logAlphaRatio, h * logBetaRatio, h * alphaStart / (alphaStart + delta),
                                  h * betaStart / (betaStart + delta))
        }), sums.l0 > 0 else { return nil }
        self.init(
            logValue: -e * log(alphaStart) - f * log(betaStart) + log(smallStart) + log(sums.l0),
            meanLogAlpha: log(alphaStart) + sums.l1 / sums.l0, meanLogBeta: log(betaStart) + sums.l2 / sums.l0,
            meanInverseAlpha: sums.l3 / sums.l0 / alphaStart, meanInverseBeta: sums.l4 / sums.l0 / betaStart
        )
    }

    private init(logValue: Double, meanLogAlpha: Double, meanLogBeta: Double, meanInverseAlpha: Double, meanInverseBeta: Double) {
        self.logValue = logValue
        self.meanLogAlpha = meanLogAlpha
        self.meanLogBeta = meanLogBeta
        self.meanInverseAlpha = meanInverseAlpha
        self.meanInverseBeta = meanInverseBeta
    }
}
