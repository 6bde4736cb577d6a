import Foundation
import Logging
import Testing
@testable import SegflowModels

/// Predictions against simulation from the model (the mean prediction over customers selected by
/// their history equals the mean simulated outcome) and against direct numerical integration.
@Suite struct PredictionTests {
    static let truth = [0.45, 28.0, 0.7, 2.8]
    static let horizons = [30.0, 90.0, 365.0]

    static func simulated(dropsAtFirstPurchase: Bool = false) -> [SimulatedCustomer] {
        Simulation.purchases(r: truth[0], alpha: truth[1], a: truth[2], b: truth[3], customers: 50_000,
                             ages: ParameterRecoveryTests.ages, horizons: horizons,
                             dropsAtFirstPurchase: dropsAtFirstPurchase, seed: 11)
    }

    /// |mean(predicted) − mean(actual)| within 4 standard errors of the simulated mean.
    static func expectCalibrated(_ predicted: [Double], _ actual: [Double], _ label: String) {
        let n = Double(actual.count)
        let mean = actual.reduce(0, +) / n
        let variance = actual.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
        let predictedMean = predicted.reduce(0, +) / n
        #expect(abs(predictedMean - mean) <= 4 * sqrt(variance / n), "\(label): predicted \(predictedMean), simulated \(mean)")
    }

    static func check<Model: PurchaseModel>(_ model: Model, _ customers: [SimulatedCustomer], repeatBuyersOnly: Bool) throws {
        let selections: [(String, (SimulatedCustomer) -> Bool)] = [
            ("all", { _ in true }), ("x = 0", { $0.history.frequency == 0 }),
            ("x ≥ 3, tₓ < T/2", { $0.history.frequency >= 3 && $0.history.recency < $0.history.age / 2 }),
        ]
        for (label, selected) in selections {
            let group = customers.filter(selected)
            if !repeatBuyersOnly || label != "x = 0" {
                expectCalibrated(group.map { model.probabilityAlive($0.history) }, group.map { $0.aliveAtAge ? 1 : 0 }, "p_alive \(label)")
            }
            for (h, horizon) in horizons.enumerated() {
                let predicted = try group.map { try #require(model.conditionalExpectedPurchases(within: horizon, $0.history)) }
                expectCalibrated(predicted, group.map { Double($0.futurePurchases[h]) }, "E[N(\(horizon))] \(label)")
            }
        }
    }

    @Test func bgnbdPredictionsAreCalibratedAgainstSimulation() throws {
        try Self.check(try #require(BGNBDModel(parameters: Self.truth)), Self.simulated(), repeatBuyersOnly: true)
    }

    @Test func mbgnbdPredictionsAreCalibratedAgainstSimulation() throws {
        try Self.check(try #require(MBGNBDModel(parameters: Self.truth)), Self.simulated(dropsAtFirstPurchase: true), repeatBuyersOnly: false)
    }

    @Test func medianWaitingTimeGivenAliveMatchesSimulation() throws {
        let model = try #require(BGNBDModel(parameters: Self.truth))
        // Given alive, the posterior rate depends on x and T only: take the customers alive at T with
        // x = 2 and one age, and compare the simulated median wait with the closed form.
        for (frequency, age) in [(0, 30.0), (2, 360.0)] {
            let waits = Simulation.purchases(r: Self.truth[0], alpha: Self.truth[1], a: Self.truth[2], b: Self.truth[3],
                                             customers: 200_000, ages: [age], seed: 12)
                .filter { $0.aliveAtAge && $0.history.frequency == frequency }
                .compactMap(\.timeToNextPurchase).sorted()
            #expect(waits.count > 2_000)
            let median = waits[waits.count / 2]
            let predicted = try #require(model.medianTimeToNextPurchase(CustomerHistory(frequency: frequency, recency: frequency == 0 ? 0 : age / 2, age: age)))
            // The sample median's standard error is about 1/(2 f(m) √n); 5 % is several of them here.
            #expect(abs(median - predicted) <= 0.05 * predicted, "x = \(frequency): simulated \(median), predicted \(predicted)")
        }
    }

    /// With a + b < 1 the third argument of BG/NBD's ₂F₁ is negative for x = 0 (a + b − 1): the series is
    /// still defined. Expectations given alive against mpmath 1.3.0 (40 digits) at r 0.45, α 28, a 0.3, b 0.5.
    @Test func bgnbdExpectationWithNegativeThirdArgumentMatchesMpmath() throws {
        let model = try #require(BGNBDModel(parameters: [0.45, 28, 0.3, 0.5]))
        let cases: [(x: Int, age: Double, t: Double, expected: Double)] = [
            (0, 10, 30, 0.30207859202722445065), (0, 300, 365, 0.40600257456703548385),
            (1, 300, 365, 1.3744452735439623235), (3, 200, 90, 1.2821383351755854214),
        ]
        for item in cases {
            let value = try #require(model.expectedPurchasesGivenAlive(within: item.t, frequency: item.x, age: item.age))
            #expect(abs(value - item.expected) <= 1e-10 * item.expected, "\(item): \(value)")
        }
        let oneTimeBuyer = CustomerHistory(frequency: 0, recency: 0, age: 10)
        #expect(try #require(model.conditionalExpectedPurchases(within: 30, oneTimeBuyer)) == model.expectedPurchasesGivenAlive(within: 30, frequency: 0, age: 10))
    }

    /// E[N(T, T+t) | x, tₓ, T] by direct integration over the dropout probability p (λ integrated out
    /// in closed form): ∫ (1−p)^x / p · Γ(r+x)[(α+T)^−(r+x) − (α+T+pt)^−(r+x)] · Beta(p; a, b) dp
    /// · α^r/Γ(r) / L(x, tₓ, T), with p = u^(1/a) so the integrand is smooth, Simpson's rule.
    @Test func bgnbdConditionalExpectationMatchesNumericalIntegration() throws {
        let (r, alpha, a, b) = (0.45, 28.0, 0.7, 2.8)
        let model = try #require(BGNBDModel(parameters: [r, alpha, a, b]))
        for history in [CustomerHistory(frequency: 0, recency: 0, age: 10), CustomerHistory(frequency: 4, recency: 200, age: 300),
                        CustomerHistory(frequency: 25, recency: 50, age: 60)] {
            for t in [30.0, 365.0] {
                let x = Double(history.frequency), age = history.age
                let steps = 20_000
                var integral = 0.0
                for k in 0...steps {
                    let u = Double(k) / Double(steps)
                    let p = pow(u, 1 / a)
                    // p^(a−1) dp = du / a
                    let value: Double
                    if p == 0 {
                        value = (r + x) * t * pow(alpha + age, -(r + x) - 1) // limit of the bracket / p
                    } else if p == 1 {
                        value = 0
                    } else {
                        value = pow(1 - p, b - 1 + x) / p * (pow(alpha + age, -(r + x)) - pow(alpha + age + p * t, -(r + x)))
                    }
                    let weight = k == 0 || k == steps ? 1.0 : (k % 2 == 1 ? 4.0 : 2.0)
                    integral += weight * value / a
                }
                integral *= 1 / (3 * Double(steps))
                let numerator = integral * exp(SpecialFunctions.logGamma(r + x) - SpecialFunctions.logGamma(r) + r * log(alpha)
                    - log(LikelihoodTests.beta(a, b)))
                let expected = numerator / LikelihoodTests.bgnbdLikelihood([r, alpha, a, b], history)
                let predicted = try #require(model.conditionalExpectedPurchases(within: t, history))
                #expect(abs(predicted - expected) <= 1e-6 * expected, "\(history) t = \(t): \(predicted) vs \(expected)")
            }
        }
    }

    @Test func customerPredictionsFollowTheDefinitions() throws {
        let model = try #require(BGNBDModel(parameters: Self.truth))
        let spend = try #require(GammaGammaModel(parameters: [4.5, 3.2, 60]))
        let histories = [CustomerHistory(frequency: 0, recency: 0, age: 100), CustomerHistory(frequency: 3, recency: 80, age: 100),
                         CustomerHistory(frequency: 3, recency: 80, age: 100), CustomerHistory(frequency: 1, recency: 5, age: 2)]
        let monetary = [0, 40, 55, 10.0]
        let compressed = CompressedHistories(histories)
        #expect(compressed.triplets.count == 2 && compressed.invalidCustomers == 1)
        let settings = ValueSettings.monthly(annualDiscountRate: 0.1, margin: 0.3)
        let predictions = CustomerPredictions(model: model, histories: compressed, monetaryValues: monetary, spend: spend,
                                              horizons: Self.horizons, value: settings)
        #expect(predictions.probabilityAlive[3] == nil && predictions.lifetimeValue[3] == nil)
        #expect(predictions.probabilityAlive[0] == 1 && predictions.churnRisk[0] == 0)
        #expect(predictions.expectedAverageOrderValue[0] == spend.populationMeanValue)
        #expect(predictions.expectedAverageOrderValue[1] != predictions.expectedAverageOrderValue[2])
        // CLV by its definition: margin · E[AOV] · Σᵢ ΔE[N]ᵢ / (1 + d)^i, i = 1 … 12 months of 30 days.
        let history = histories[1]
        let monthly = pow(1.1, 1.0 / 12) - 1
        var expected = 0.0
        for month in 1...12 {
            let delta = try #require(model.conditionalExpectedPurchases(within: Double(month) * 30, history))
                - (try #require(model.conditionalExpectedPurchases(within: Double(month - 1) * 30, history)))
            expected += delta / pow(1 + monthly, Double(month))
        }
        expected *= 0.3 * (try #require(spend.conditionalExpectedAverageValue(frequency: 3, monetaryValue: 40)))
        let clv = try #require(predictions.lifetimeValue[1])
        #expect(abs(clv - expected) <= 1e-12 * expected)
        let median = try #require(predictions.medianTimeToNextPurchase[1])
        #expect(abs(median - (28 + 100) * (pow(2, 1 / 3.45) - 1)) < 1e-9)
    }
}
