import Foundation
import Testing
@testable import SegflowModels

/// ₂F₁(a, b; a+1; z) by quadrature against closed forms and against mpmath 1.3.0 (40 digits).
@Suite struct HypergeometricQuadratureTests {
    @Test func closedForms() throws {
        for z in [1e-8, 0.1, 0.5, 0.9, 0.999, 1 - 1e-6, 1 - 1e-10, 1 - 1e-13] {
            // ₂F₁(1, 1; 2; z) = −ln(1 − z)/z.
            let log1 = try #require(SpecialFunctions.logHypergeometric2F1PlusOne(1, 1, z))
            let exact1 = log(-log1p(-z) / z)
            #expect(abs(log1 - exact1) <= 1e-13 * max(1, abs(exact1)), "z = \(z): \(log1) vs \(exact1)")
            // ₂F₁(a, a+1; a+1; z) = (1 − z)^(−a), including large a.
            for a in [0.05, 0.7, 3.5, 40.25, 900.0] {
                let value = try #require(SpecialFunctions.logHypergeometric2F1PlusOne(a, a + 1, z))
                let exact = -a * log1p(-z)
                #expect(abs(value - exact) <= 1e-12 * max(1, abs(exact)), "a = \(a), z = \(z): \(value) vs \(exact)")
            }
        }
        #expect(SpecialFunctions.hypergeometric2F1PlusOne(2, 3, 0) == 1)
        #expect(SpecialFunctions.logHypergeometric2F1PlusOne(2, 3, 1) == nil)
        #expect(SpecialFunctions.logHypergeometric2F1PlusOne(-1, 3, 0.5) == nil)
        #expect(SpecialFunctions.logHypergeometric2F1PlusOne(2, 3, -0.5) == nil)
    }

    /// ln ₂F₁(a, b; a+1; z) from `mpmath.log(mpmath.hyp2f1(a, b, a + 1, mpmath.mpf(z)))` with mp.dps = 40
    /// (z the same double as here).
    @Test func matchesMpmath() throws {
        let cases: [(Double, Double, Double, Double)] = [
            (0.5, 1.5, 0.3, 0.17833747196936618153),
            (2.5, 1.6, 0.9, 2.2807674516283922685),
            (10.3, 1.6, 0.99, 5.1945614681710451906),
            (1.15, 0.55, 0.999999, 0.85797600980529183208),
            (50.7, 1.61, 1 - 1e-9, 17.061334534583344609),
            (1000.5, 1.7, 1 - 1e-12, 26.606658868873704442),
            (20.5, 20.2, 0.95, 57.580020161350808157),
            (300.2, 150.3, 0.5, 103.77558885617617339),
            (0.05, 3.0, 0.9999, 14.731996810375415195),
            (3.2, 12.5, 0.999, 78.16078025404851901),
            (7.0, -2.5, 0.8, -2.8515065165140543183),
        ]
        for (a, b, z, reference) in cases {
            let value = try #require(SpecialFunctions.logHypergeometric2F1PlusOne(a, b, z))
            #expect(abs(value - reference) <= 1e-12 * max(1, abs(reference)), "₂F₁(\(a), \(b); \(a + 1); \(z)): \(value) vs \(reference)")
        }
        // Where the series converges quickly, it agrees too.
        let series = try #require(SpecialFunctions.hypergeometric2F1(2.5, 1.6, 3.5, 0.3))
        let quadrature = try #require(SpecialFunctions.hypergeometric2F1PlusOne(2.5, 1.6, 0.3))
        #expect(abs(series - quadrature) <= 1e-14 * series)
    }
}
