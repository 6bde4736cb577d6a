import Testing
@testable import SegflowModels

/// Totals, MAE and RMSE at hand-computed points.
@Suite struct PredictionAccuracyTests {
    @Test func handComputedPairs() throws {
        // Errors 0, 1, −2: MAE = 3/3 = 1, RMSE = √(5/3).
        let accuracy = try #require(PredictionAccuracy(predicted: [1, 2, 3], actual: [1, 1, 5]))
        #expect(accuracy.count == 3)
        #expect(accuracy.predictedTotal == 6 && accuracy.actualTotal == 7)
        #expect(accuracy.predictedMean == 2 && abs(accuracy.actualMean - 7.0 / 3) < 1e-15)
        #expect(accuracy.meanAbsoluteError == 1)
        #expect(abs(accuracy.rootMeanSquaredError - (5.0 / 3).squareRoot()) < 1e-15)
        // RMSE ≥ MAE, equal when every error has the same size.
        let constant = try #require(PredictionAccuracy(predicted: [2, 0, 4], actual: [1, 1, 3]))
        #expect(constant.meanAbsoluteError == 1 && constant.rootMeanSquaredError == 1)
    }

    @Test func noPairsHaveNoAccuracy() {
        #expect(PredictionAccuracy(predicted: [], actual: []) == nil)
    }
}
