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
        // The valid pairs sorted by value, then stably by frequency, with radix sorts on the values'
        // bit patterns (for positive doubles their order is the numeric order) and on x. Equal pairs
        // are then adjacent and merged; the result does not depend on the customers' order.
        var byValue: [RadixSort.Item] = []
        byValue.reserveCapacity(frequencies.count)
        var lowest = UInt64.max, highest: UInt64 = 0, maximumFrequency = 0
        for (x, m) in zip(frequencies, monetaryValues) where x > 0 && m > 0 && m.isFinite && x <= Int(UInt32.max) {
            let bits = m.bitPattern
            lowest = min(lowest, bits)
            highest = max(highest, bits)
            maximumFrequency = max(maximumFrequency, x)
            byValue.append(RadixSort.Item(key: bits, payload: UInt32(x)))
        }
        for index in byValue.indices { byValue[index].key -= lowest }
        RadixSort.sort(&byValue, bits: RadixSort.bitWidth(highest &- lowest))
        var byFrequency = byValue.indices.map { RadixSort.Item(key: UInt64(byValue[$0].payload), payload: UInt32($0)) }
        RadixSort.sort(&byFrequency, bits: RadixSort.bitWidth(UInt64(maximumFrequency)))
        var frequency: [Int] = [], monetaryValue: [Double] = [], weight: [Double] = []
        var groups: [(frequency: Int, range: Range<Int>, weight: Double, weightedLogValue: Double)] = []
        var index = 0
        while index < byFrequency.count {
            let x = Int(byFrequency[index].key)
            let start = frequency.count
            var groupWeight = 0.0, logSum = 0.0
            while index < byFrequency.count, Int(byFrequency[index].key) == x {
                let valueKey = byValue[Int(byFrequency[index].payload)].key
                var end = index + 1
                while end < byFrequency.count, byFrequency[end].key == byFrequency[index].key,
                      byValue[Int(byFrequency[end].payload)].key == valueKey {
                    end += 1
                }
                let value = Double(bitPattern: valueKey + lowest)
                let count = Double(end - index)
                frequency.append(x)
                monetaryValue.append(value)
                weight.append(count)
                groupWeight += count
                logSum += count * log(value)
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
