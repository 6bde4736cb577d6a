#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The repeat buyers' (frequency x, mean repeat-purchase value m) pairs the Gamma-Gamma model is fitted
/// on: only customers with x > 0 and a finite m > 0 (the model's domain, and what lifetimes'
/// `GammaGammaFitter` accepts), compressed to distinct pairs with counts, sorted, grouped by x.
public struct SpendHistories: Sendable {
    public let frequency: [Int]
    public let monetaryValue: [Double]
    public let weight: [Double]
    public let totalWeight: Double
    /// Σ weight · ln m per frequency group: a constant of the likelihood, computed once.
    let groups: [(frequency: Int, range: Range<Int>, weight: Double, weightedLogValue: Double)]

    public var customers: Int { Int(totalWeight) }

    public init(frequencies: [Int], monetaryValues: [Double]) {
        var counts: [Pair: Int] = [:]
        for (x, m) in zip(frequencies, monetaryValues) where x > 0 && m > 0 && m.isFinite {
            counts[Pair(frequency: x, value: m), default: 0] += 1
        }
        let pairs = counts.keys.sorted { ($0.frequency, $0.value) < ($1.frequency, $1.value) }
        frequency = pairs.map(\.frequency)
        monetaryValue = pairs.map(\.value)
        weight = pairs.map { Double(counts[$0] ?? 0) }
        totalWeight = weight.reduce(0, +)
        var groups: [(frequency: Int, range: Range<Int>, weight: Double, weightedLogValue: Double)] = []
        var start = 0
        while start < pairs.count {
            var end = start, groupWeight = 0.0, logSum = 0.0
            while end < pairs.count, frequency[end] == frequency[start] {
                groupWeight += weight[end]
                logSum += weight[end] * log(monetaryValue[end])
                end += 1
            }
            groups.append((frequency[start], start..<end, groupWeight, logSum))
            start = end
        }
        self.groups = groups
    }

    private struct Pair: Hashable {
        var frequency: Int
        var value: Double
    }
}
