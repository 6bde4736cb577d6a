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

    /// Per row x·m (a constant of the likelihood) and x, so a likelihood evaluation is one logarithm
    /// and one division per row.
    let totalValue: [Double]
    let rowFrequency: [Double]

    public init(frequencies: [Int], monetaryValues: [Double]) {
        // Bucket the valid pairs by frequency (counting), sort each bucket's values, and merge equal
        // values: the distinct (x, m) pairs in ascending order whatever the customers' order.
        var maximumFrequency = 0
        for (x, m) in zip(frequencies, monetaryValues) where x > 0 && m > 0 && m.isFinite {
            maximumFrequency = max(maximumFrequency, x)
        }
        var bucketCounts = [Int](repeating: 0, count: maximumFrequency + 2)
        for (x, m) in zip(frequencies, monetaryValues) where x > 0 && m > 0 && m.isFinite {
            bucketCounts[x + 1] += 1
        }
        for x in 1..<bucketCounts.count { bucketCounts[x] += bucketCounts[x - 1] }
        var values = [Double](repeating: 0, count: bucketCounts.last ?? 0)
        var next = bucketCounts
        for (x, m) in zip(frequencies, monetaryValues) where x > 0 && m > 0 && m.isFinite {
            values[next[x]] = m
            next[x] += 1
        }
        var frequency: [Int] = [], monetaryValue: [Double] = [], weight: [Double] = []
        var groups: [(frequency: Int, range: Range<Int>, weight: Double, weightedLogValue: Double)] = []
        for x in 0...maximumFrequency where bucketCounts[x + 1] > bucketCounts[x] {
            values[bucketCounts[x]..<bucketCounts[x + 1]].sort()
            let start = frequency.count
            var groupWeight = 0.0, logSum = 0.0
            var index = bucketCounts[x]
            while index < bucketCounts[x + 1] {
                var end = index + 1
                while end < bucketCounts[x + 1], values[end] == values[index] { end += 1 }
                let count = Double(end - index)
                frequency.append(x)
                monetaryValue.append(values[index])
                weight.append(count)
                groupWeight += count
                logSum += count * log(values[index])
                index = end
            }
            groups.append((x, start..<frequency.count, groupWeight, logSum))
        }
        self.frequency = frequency
        self.monetaryValue = monetaryValue
        self.weight = weight
        totalWeight = weight.reduce(0, +)
        self.groups = groups
        totalValue = zip(frequency, monetaryValue).map { Double($0) * $1 }
        rowFrequency = frequency.map(Double.init)
    }
}
