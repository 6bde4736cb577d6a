#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How close predictions came to what happened, over pairs (predicted, actual): totals, means, the mean
/// absolute error and the root mean squared error. Sums run in the given order, so the same pairs give
/// the same figures to the last bit.
public struct PredictionAccuracy: Sendable, Equatable {
    public var count: Int
    public var actualTotal: Double
    public var predictedTotal: Double
    /// Σ|predicted − actual| / count.
    public var meanAbsoluteError: Double
    /// √(Σ(predicted − actual)² / count).
    public var rootMeanSquaredError: Double

    public var actualMean: Double { actualTotal / Double(count) }
    public var predictedMean: Double { predictedTotal / Double(count) }

    /// nil without pairs (no error is defined); `predicted` and `actual` have one entry per pair.
    public init?(predicted: [Double], actual: [Double]) {
        precondition(predicted.count == actual.count, "one prediction per actual value")
        guard !actual.isEmpty else { return nil }
        var actualTotal = 0.0
        var predictedTotal = 0.0
        var absolute = 0.0
        var squared = 0.0
        for (prediction, value) in zip(predicted, actual) {
            actualTotal += value
            predictedTotal += prediction
            let error = prediction - value
            absolute += abs(error)
            squared += error * error
        }
        let count = Double(actual.count)
        self.count = actual.count
        self.actualTotal = actualTotal
        self.predictedTotal = predictedTotal
        meanAbsoluteError = absolute / count
        rootMeanSquaredError = (squared / count).squareRoot()
    }
}
