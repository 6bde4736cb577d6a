import Foundation
import Logging
import Testing
@testable import SegflowModels

/// 50,000 customers simulated from each model with known parameters: every fitted parameter is
/// within 5 % of the truth or within its 95 % interval.
@Suite struct ParameterRecoveryTests {
    static let logger = Logger(label: "test.models")
    /// Ages (days since first purchase) of a two-year cohort, integer days as segflow's summary.
    static let ages = (0..<60).map { 30 + Double($0) * 11 }

    static func expectRecovered(_ fit: ModelFit, truth: [Double]) throws {
        #expect(fit.status == .converged, "\(fit.reason ?? "")")
        let intervals = try #require(fit.confidenceIntervals)
        for (index, name) in fit.parameterNames.enumerated() {
            let estimate = fit.parameters[index]
            let within5Percent = abs(estimate - truth[index]) <= 0.05 * truth[index]
            #expect(within5Percent || intervals[index].contains(truth[index]),
                    "\(fit.model) \(name): \(estimate) (95 % \(intervals[index])) vs \(truth[index])")
        }
    }

    @Test func bgnbd() throws {
        let truth = [0.45, 28.0, 0.7, 2.8]
        let customers = Simulation.purchases(r: truth[0], alpha: truth[1], a: truth[2], b: truth[3],
                                             customers: 50_000, ages: Self.ages, seed: 1)
        let (fit, _) = PurchaseModelFitter(logger: Self.logger).fit(BGNBDModel.self, to: CompressedHistories(customers.map(\.history)))
        try Self.expectRecovered(fit, truth: truth)
    }

    @Test func mbgnbd() throws {
        let truth = [0.6, 20.0, 0.5, 3.5]
        let customers = Simulation.purchases(r: truth[0], alpha: truth[1], a: truth[2], b: truth[3],
                                             customers: 50_000, ages: Self.ages, dropsAtFirstPurchase: true, seed: 2)
        let (fit, _) = PurchaseModelFitter(logger: Self.logger).fit(MBGNBDModel.self, to: CompressedHistories(customers.map(\.history)))
        try Self.expectRecovered(fit, truth: truth)
    }

    @Test func gammaGamma() throws {
        let truth = [4.5, 3.2, 60.0]
        var random = SeededGenerator(seed: 3)
        let frequencies = (0..<50_000).map { _ in 1 + Int(random.exponential(rate: 0.4)) }
        let spend = Simulation.spend(p: truth[0], q: truth[1], v: truth[2], frequencies: frequencies, seed: 4)
        let (fit, _) = GammaGammaFitter(logger: Self.logger).fit(SpendHistories(frequencies: frequencies, monetaryValues: spend))
        try Self.expectRecovered(fit, truth: truth)
    }
}
