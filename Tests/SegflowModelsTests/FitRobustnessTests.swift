import Foundation
import Logging
import Testing
@testable import SegflowModels

@Suite struct FitRobustnessTests {
    static let logger = Logger(label: "test.models")

    @Test func compressionIsIndependentOfCustomerOrder() {
        let histories: [CustomerHistory] = (0..<500).map { (index: Int) -> CustomerHistory in
            let frequency = index % 4
            let recency: Double = frequency == 0 ? 0 : Double(index % 7)
            return CustomerHistory(frequency: frequency, recency: recency, age: 10 + Double(index % 5))
        }
        let forward = CompressedHistories(histories)
        let backward = CompressedHistories(histories.reversed())
        #expect(forward.triplets == backward.triplets && forward.counts == backward.counts)
        #expect(forward.triplets == forward.triplets.sorted())
        #expect(forward.counts.reduce(0, +) == 500)
        for (customer, history) in histories.enumerated() {
            #expect(forward.triplets[Int(forward.tripletOfCustomer[customer])] == history)
        }
    }

    @Test func fitIsBitIdenticalWhateverTheCustomerOrder() throws {
        let customers = Simulation.purchases(r: 0.45, alpha: 28, a: 0.7, b: 2.8, customers: 5_000,
                                             ages: ParameterRecoveryTests.ages, seed: 21).map(\.history)
        var random = SeededGenerator(seed: 22)
        let shuffled = customers.shuffled(using: &random)
        let fitter = PurchaseModelFitter(logger: Self.logger)
        let (first, _) = fitter.fit(BGNBDModel.self, to: CompressedHistories(customers))
        let (second, _) = fitter.fit(BGNBDModel.self, to: CompressedHistories(shuffled))
        #expect(first.status == .converged)
        #expect(first.parameters.map(\.bitPattern) == second.parameters.map(\.bitPattern))
        #expect(first.logLikelihood.bitPattern == second.logLikelihood.bitPattern)
    }

    @Test func aFitThatDoesNotConvergeReturnsAStatusAndNoModel() throws {
        let cdnow = try Fixtures.cdnow()
        var minimizer = Minimizer()
        minimizer.maximumIterations = 3
        let (fit, model) = PurchaseModelFitter(minimizer: minimizer, logger: Self.logger)
            .fit(BGNBDModel.self, to: CompressedHistories(cdnow.histories))
        #expect(fit.status == .notConverged)
        #expect(fit.reason?.contains("3 iterations") == true)
        #expect(model == nil && fit.standardErrors == nil)
    }

    @Test func impossibleInputsFailWithAReason() {
        let fitter = PurchaseModelFitter(logger: Self.logger)
        let (empty, _) = fitter.fit(BGNBDModel.self, to: CompressedHistories([]))
        #expect(empty.status == .failed && empty.reason != nil)
        let invalid = CompressedHistories([CustomerHistory(frequency: 2, recency: 9, age: 3), CustomerHistory(frequency: -1, recency: 0, age: 3)])
        #expect(invalid.invalidCustomers == 2)
        let (none, _) = fitter.fit(MBGNBDModel.self, to: invalid)
        #expect(none.status == .failed)
        let (negative, _) = PurchaseModelFitter(penalizer: -1, logger: Self.logger)
            .fit(BGNBDModel.self, to: CompressedHistories([CustomerHistory(frequency: 1, recency: 1, age: 3)]))
        #expect(negative.status == .failed)
        let (noSpend, spendModel) = GammaGammaFitter(logger: Self.logger).fit(SpendHistories(frequencies: [0, 1], monetaryValues: [5, -2]))
        #expect(noSpend.status == .failed && spendModel == nil)
    }

    @Test func degenerateDataDoNotCrash() {
        // Everyone bought once on the same day: the likelihood keeps rising as r/α → 0; the fit
        // must end with a status, whatever it is, and never a non-finite model.
        let histories = Array(repeating: CustomerHistory(frequency: 0, recency: 0, age: 30), count: 100)
        let (fit, model) = PurchaseModelFitter(logger: Self.logger).fit(BGNBDModel.self, to: CompressedHistories(histories))
        if let model {
            let finite = model.parameters.allSatisfy { $0.isFinite }
            #expect(finite)
        } else {
            #expect(fit.reason != nil)
        }
    }
}
