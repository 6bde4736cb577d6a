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

    @Test func wholeDayCompressionEqualsTheGeneralOne() {
        // Whole days take the radix path; the same histories shifted by half a day cannot, so they
        // take the dictionary path: same grouping, same order, same counts.
        var random = SeededGenerator(seed: 5)
        let histories: [CustomerHistory] = (0..<30_000).map { _ in
            let frequency = Int.random(in: 0...12, using: &random)
            let age = Double(Int.random(in: 0...700, using: &random))
            let recency = frequency == 0 ? 0 : Double(Int.random(in: 0...Int(age), using: &random))
            return CustomerHistory(frequency: frequency, recency: recency, age: age)
        } + [CustomerHistory(frequency: 1, recency: 3, age: 2)]
        let whole = CompressedHistories(histories)
        let general = CompressedHistories.hashCompressed(histories)
        #expect(whole.triplets == general.triplets && whole.counts == general.counts)
        #expect(whole.tripletOfCustomer == general.tripletOfCustomer && whole.invalidCustomers == 1)
        let weeks = whole.dividingTimes(by: 7)
        #expect(weeks.triplets == CompressedHistories.hashCompressed(histories.map {
            CustomerHistory(frequency: $0.frequency, recency: $0.recency / 7, age: $0.age / 7)
        }).triplets)
    }

    @Test func spendCompressionIsSortedDistinctAndIndependentOfCustomerOrder() {
        var random = SeededGenerator(seed: 7)
        let frequencies = (0..<20_000).map { _ in Int.random(in: 0...9, using: &random) }
        let values = (0..<20_000).map { _ in
            [12.5, 30, 7.25, -1, 0, 1e4, 0.01][Int.random(in: 0..<7, using: &random)] * Double(Int.random(in: 1...3, using: &random))
        }
        let forward = SpendHistories(frequencies: frequencies, monetaryValues: values)
        let order = Array(frequencies.indices).shuffled(using: &random)
        let shuffled = SpendHistories(frequencies: order.map { frequencies[$0] }, monetaryValues: order.map { values[$0] })
        #expect(forward.frequency == shuffled.frequency && forward.monetaryValue == shuffled.monetaryValue)
        #expect(forward.weight == shuffled.weight)
        let pairs = zip(forward.frequency, forward.monetaryValue).map { ($0, $1) }
        #expect(zip(pairs, pairs.dropFirst()).allSatisfy { $0 < $1 })
        #expect(forward.monetaryValue.allSatisfy { $0 > 0 } && forward.frequency.allSatisfy { $0 > 0 })
        #expect(forward.totalWeight == Double(zip(frequencies, values).filter { $0 > 0 && $1 > 0 }.count))
    }

    @Test func batchPredictionsEqualThePerHistoryFormulas() throws {
        // More triplets than one chunk, so the parallel, per-(x, T) path is exercised.
        let model = try #require(BGNBDModel(parameters: [0.45, 28, 0.7, 2.8]))
        var random = SeededGenerator(seed: 6)
        let histories: [CustomerHistory] = (0..<40_000).map { _ in
            let frequency = Int.random(in: 0...20, using: &random)
            let age = Double(Int.random(in: 1...700, using: &random))
            let recency = frequency == 0 ? 0 : Double(Int.random(in: 0...Int(age), using: &random))
            return CustomerHistory(frequency: frequency, recency: recency, age: age)
        }
        let compressed = CompressedHistories(histories)
        #expect(compressed.triplets.count > Chunks.defaultSize)
        let value = ValueSettings.monthly(annualDiscountRate: 0.1, margin: 1)
        let batch = TripletPredictions(model: model, histories: compressed, horizons: [30, 365], value: value)
        for (index, triplet) in compressed.triplets.enumerated() where index % 97 == 0 {
            #expect(batch.probabilityAlive[index].bitPattern == model.probabilityAlive(triplet).bitPattern)
            for (h, horizon) in [30.0, 365].enumerated() {
                let single = try #require(model.conditionalExpectedPurchases(within: horizon, triplet))
                #expect(batch.expectedPurchases[h][index].bitPattern == single.bitPattern)
            }
            var discounted = 0.0, previous = 0.0
            for period in 1...12 {
                let cumulative = try #require(model.conditionalExpectedPurchases(within: Double(period) * value.periodLength, triplet))
                discounted += (cumulative - previous) / pow(1 + value.periodDiscountRate, Double(period))
                previous = cumulative
            }
            #expect(abs(batch.discountedPurchases[index] - discounted) <= 1e-13 * discounted)
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
