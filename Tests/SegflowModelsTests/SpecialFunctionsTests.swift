import Foundation
import Testing
@testable import SegflowModels

@Suite struct SpecialFunctionsTests {
    @Test func digammaMatchesKnownValues() {
        let eulerGamma = 0.577_215_664_901_532_9
        #expect(abs(SpecialFunctions.digamma(1) + eulerGamma) < 4e-15)
        #expect(abs(SpecialFunctions.digamma(0.5) - (-eulerGamma - 2 * log(2.0))) < 1e-14)
        // ψ(n) = H(n−1) − γ
        let harmonic = (1...99).reduce(0.0) { $0 + 1 / Double($1) }
        #expect(abs(SpecialFunctions.digamma(100) - (harmonic - eulerGamma)) < 1e-13)
    }

    @Test func digammaIsTheDerivativeOfLogGamma() {
        for x in [0.05, 0.3, 1.7, 9.99, 10.01, 42.5, 1e4] {
            let h = 1e-5 * max(x, 1)
            let slope = (SpecialFunctions.logGamma(x + h) - SpecialFunctions.logGamma(x - h)) / (2 * h)
            #expect(abs(SpecialFunctions.digamma(x) - slope) < 1e-7 * max(1, abs(slope)), "x = \(x)")
        }
    }

    @Test func trigammaIsTheDerivativeOfDigamma() {
        // ψ₁(1) = π²/6, ψ₁(1/2) = π²/2.
        #expect(abs(SpecialFunctions.trigamma(1) - Double.pi * Double.pi / 6) < 1e-14)
        #expect(abs(SpecialFunctions.trigamma(0.5) - Double.pi * Double.pi / 2) < 1e-13)
        for x in [0.05, 0.3, 1.7, 9.99, 10.01, 42.5, 1e4] {
            let h = 1e-5 * max(x, 1)
            let slope = (SpecialFunctions.digamma(x + h) - SpecialFunctions.digamma(x - h)) / (2 * h)
            #expect(abs(SpecialFunctions.trigamma(x) - slope) < 1e-7 * max(1, abs(slope)), "x = \(x)")
        }
    }

    @Test func hypergeometricMatchesClosedForms() throws {
        for z in [0.0, 0.1, 0.5, 0.9, 0.99] {
            // ₂F₁(1, 1; 2; z) = −ln(1 − z)/z; ₂F₁(a, b; b; z) = (1 − z)^(−a).
            let log2F1 = try #require(SpecialFunctions.hypergeometric2F1(1, 1, 2, z))
            #expect(abs(log2F1 - (z == 0 ? 1 : -log1p(-z) / z)) < 1e-13 * log2F1, "z = \(z)")
            let power = try #require(SpecialFunctions.hypergeometric2F1(0.7, 2.5, 2.5, z))
            #expect(abs(power - pow(1 - z, -0.7)) < 1e-12 * power, "z = \(z)")
        }
        // Euler's transformation gives the same value as the direct series.
        let direct = try #require(SpecialFunctions.hypergeometric2F1(3.2, 5.1, 7.3, 0.8))
        let transformed = try #require(SpecialFunctions.scaledHypergeometric2F1(3.2, 5.1, 7.3, 0.8, timesOneMinusZToThe: 0))
        #expect(abs(direct - transformed) < 1e-12 * direct)
    }

    @Test func hypergeometricReportsWhatItCannotSum() {
        #expect(SpecialFunctions.hypergeometric2F1(1, 1, 2, 1) == nil)
        #expect(SpecialFunctions.hypergeometric2F1(1, 1, 2, 0.999_999, maximumTerms: 100) == nil)
    }
}
