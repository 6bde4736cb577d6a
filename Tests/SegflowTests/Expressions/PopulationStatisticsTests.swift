import SegflowTestSupport
import Testing
@testable import SegflowEngine
@testable import SegflowRules

@Suite struct PopulationStatisticsTests {
    private let monetary = FeatureKey.monetary

    private func statistics(_ values: [Double?], _ functions: [PopulationFunction]) -> [PopulationFunction: Double?] {
        let columns = FeatureTableBuilder.make(values.map { value in value.map { ["monetary": .number($0)] } ?? [:] })
        let keys = Set(functions.map { PopulationStatisticKey($0, feature: monetary) })
        let computed = PopulationStatistics.compute(keys, from: columns)
        return Dictionary(uniqueKeysWithValues: functions.map { ($0, computed.value(PopulationStatisticKey($0, feature: monetary))) })
    }

    private func value(_ result: Double??) -> Double {
        (result ?? nil) ?? .nan
    }

    @Test func percentilesInterpolateLikePercentileCont() {
        // Sorted 1, 2, 3, 4: position = p * 3.
        let result = statistics([4, nil, 1, 3, 2], [.median, .percentile(25), .percentile(90), .percentile(1), .percentile(99)])
        #expect(result[.median] == 2.5)
        #expect(result[.percentile(25)] == 1.75)
        #expect(abs(value(result[.percentile(90)]) - 3.7) < 1e-12)
        #expect(abs(value(result[.percentile(1)]) - 1.03) < 1e-12)
        #expect(abs(value(result[.percentile(99)]) - 3.97) < 1e-12)
    }

    @Test func aggregatesIgnoreNulls() {
        let result = statistics([2, 4, 4, 4, nil, 5, 5, 7, 9], [.avg, .sum, .min, .max, .count, .stddev, .median])
        #expect(result[.avg] == 5)
        #expect(result[.sum] == 40)
        #expect(result[.min] == 2)
        #expect(result[.max] == 9)
        #expect(result[.count] == 8)
        #expect(result[.median] == 4.5)
        // Sample standard deviation, like PostgreSQL's stddev: sqrt(32 / 7).
        #expect(abs(value(result[.stddev]) - (32.0 / 7).squareRoot()) < 1e-12)
    }

    @Test func withoutValuesEverythingButCountIsNull() {
        let result = statistics([nil, nil], [.avg, .sum, .min, .max, .count, .stddev, .median])
        #expect(result[.count] == 0)
        for function in [PopulationFunction.avg, .sum, .min, .max, .stddev, .median] {
            #expect(result[function] == .some(nil), "\(function)")
        }
        #expect(statistics([3], [.stddev, .percentile(50)]) == [.stddev: nil, .percentile(50): 3])
    }

    @Test func countWorksOnTextFeatures() {
        let country = FeatureKey.country
        let columns = FeatureTableBuilder.make([["country": .text("DE")], [:], ["country": .text("FR")]])
        let key = PopulationStatisticKey(.count, feature: country)
        #expect(PopulationStatistics.compute([key], from: columns).value(key) == 2)
    }

    @Test func moneySumsStayExactToTheCent() {
        let values = [Double](repeating: 0.1, count: 100_000)
        #expect(PopulationStatistics.compensatedSum(values) == 10_000)
    }

    @Test func percentileNamesAreP1ToP99() {
        #expect(PopulationFunction(name: "p1") == .percentile(1))
        #expect(PopulationFunction(name: "p99") == .percentile(99))
        #expect(PopulationFunction(name: "p0") == nil)
        #expect(PopulationFunction(name: "p100") == nil)
        #expect(PopulationFunction(name: "p05") == nil)
    }
}
