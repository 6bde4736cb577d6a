import Foundation
import Logging
import Testing
@testable import SegflowModels

/// The published CDNOW fits: Fader, Hardie & Lee (2005) and lifetimes 0.11.3 on the same summary
/// (lifetimes' values printed by its own `BetaGeoFitter`/`GammaGammaFitter` from the pinned venv of
/// scripts/lifetimes-venv.sh).
@Suite struct CDNOWFitTests {
    static let logger = Logger(label: "test.models")

    static func agree(_ value: Double, _ reference: Double, significantDigits: Int) -> Bool {
        abs(value - reference) <= 0.5 * pow(10, -Double(significantDigits - 1)) * abs(reference)
    }

    @Test func bgnbdReproducesThePaperAndLifetimes() throws {
        let cdnow = try Fixtures.cdnow()
        let (fit, model) = PurchaseModelFitter(logger: Self.logger).fit(BGNBDModel.self, to: CompressedHistories(cdnow.histories))
        #expect(fit.status == .converged)
        let fitted = try #require(model)
        // The paper: r = 0.243, α = 4.414, a = 0.793, b = 2.426, LL = −9582.4.
        for (value, paper) in zip(fitted.parameters, [0.243, 4.414, 0.793, 2.426]) {
            #expect(abs(value - paper) <= 0.0005 + 1e-9, "\(value) vs \(paper)")
        }
        #expect(abs(fit.logLikelihood - -9582.4) < 0.05, "\(fit.logLikelihood)")
        let lifetimes = [0.2425929282798217, 4.413532265271817, 0.7928859664406721, 2.4257523826257996]
        for (value, reference) in zip(fitted.parameters, lifetimes) {
            #expect(Self.agree(value, reference, significantDigits: 5), "\(value) vs \(reference)")
        }
        // lifetimes' standard errors (r 0.01256, α 0.3782, a 0.1857, b 0.7053).
        let errors = try #require(fit.standardErrors)
        for (error, reference) in zip(errors, [0.012557320698193179, 0.378221457043927, 0.18571907191209233, 0.7053453435331332]) {
            #expect(Self.agree(error, reference, significantDigits: 2), "\(error) vs \(reference)")
        }
        #expect(fit.distinctRows < fit.customers)
    }

    @Test func penalizerIsAppliedAsLifetimesDoes() throws {
        let cdnow = try Fixtures.cdnow()
        let (_, model) = PurchaseModelFitter(penalizer: 0.1, logger: Self.logger).fit(BGNBDModel.self, to: CompressedHistories(cdnow.histories))
        let fitted = try #require(model)
        let lifetimes = [0.23094701386573413, 4.219287523619098, 0.12865474020745954, 0.26712679605042045]
        for (value, reference) in zip(fitted.parameters, lifetimes) {
            #expect(Self.agree(value, reference, significantDigits: 4), "\(value) vs \(reference)")
        }
    }

    @Test func gammaGammaReproducesNote025AndLifetimes() throws {
        let cdnow = try Fixtures.cdnow()
        let spend = SpendHistories(frequencies: cdnow.histories.map(\.frequency), monetaryValues: cdnow.spend)
        #expect(spend.customers == 946)
        let (fit, model) = GammaGammaFitter(logger: Self.logger).fit(spend)
        #expect(fit.status == .converged)
        let fitted = try #require(model)
        for (value, reference) in zip(fitted.parameters, [6.248802496072247, 3.744588460923599, 15.447748064939473]) {
            #expect(Self.agree(value, reference, significantDigits: 4), "\(value) vs \(reference)")
        }
        // Population mean and a repeat buyer's conditional mean (note 025: E[Z] = pv/(q−1)).
        let mean = try #require(fitted.populationMeanValue)
        #expect(abs(mean - fitted.p * fitted.v / (fitted.q - 1)) < 1e-12)
        #expect(fitted.conditionalExpectedAverageValue(frequency: 0, monetaryValue: 0) == mean)
        #expect(fitted.conditionalExpectedAverageValue(frequency: 2, monetaryValue: -1) == nil)
    }

    @Test func predictionsMatchLifetimes() throws {
        let model = try #require(BGNBDModel(parameters: [0.2425929282798217, 4.413532265271817, 0.7928859664406721, 2.4257523826257996]))
        // lifetimes' conditional_probability_alive and conditional_expected_number_of_purchases_up_to_time(39, …).
        let cases: [(CustomerHistory, Double, Double)] = [
            (CustomerHistory(frequency: 0, recency: 0, age: 38.86), 1, 0.19478085793947952),
            (CustomerHistory(frequency: 2, recency: 30.43, age: 38.86), 0.72660914, 1.2259104241744019),
            (CustomerHistory(frequency: 7, recency: 35, age: 38), 0.86200751, 4.556215302058847),
        ]
        for (history, alive, expected) in cases {
            #expect(abs(model.probabilityAlive(history) - alive) < 1e-8)
            let purchases = try #require(model.conditionalExpectedPurchases(within: 39, history))
            #expect(abs(purchases - expected) < 1e-12 * expected, "\(purchases) vs \(expected)")
        }
    }
}
