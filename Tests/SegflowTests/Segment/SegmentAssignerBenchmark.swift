import Foundation
import SegflowTestSupport
import Testing
@testable import SegflowEngine
@testable import SegflowPipelineFile
@testable import SegflowRules

/// Throughput check, opt-in: `SEGFLOW_BENCHMARK=1 swift test -c release -Xswiftc -enable-testing
/// --filter SegmentAssignerBenchmark`. Debug builds are far slower and prove nothing.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["SEGFLOW_BENCHMARK"] == "1"))
struct SegmentAssignerBenchmark {
    @Test func oneMillionCustomersThroughTheDefaultCatalog() throws {
        let configuration = try PipelineConfiguration.load(path: RepositoryFiles.path("pipelines/default.yml"))
        let rowCount = 1_000_000
        var random = SplitMix(seed: 3)
        let values = ["Shoes", "Bags", "Home & Garden", "Beauty", "DE", "AT", "FR"]
        let columns = FeatureColumns(
            customerIDs: (0..<rowCount).map(Int64.init),
            numbers: { _ in (0..<rowCount).map { _ in random.chance(0.1) ? .nan : Double(random.below(10)) } },
            texts: { _ in (0..<rowCount).map { _ in random.chance(0.1) ? nil : values[random.below(values.count)] } })
        let ruleCount = configuration.rules.count
        for workers in [1, 2] {
            let start = Date()
            let assignment = SegmentAssigner(configuration: configuration, workerCount: workers)
                .assign(columns: columns, asOf: 20_000)
            let seconds = Date().timeIntervalSince(start)
            print("benchmark: \(rowCount) rows x \(ruleCount) rules, \(workers) worker(s): "
                + String(format: "%.3f s", seconds) + ", \(assignment.membershipCount) memberships")
        }
        var clock = Date()
        let context = EvaluationContext(columns: columns, asOf: 20_000, rules: configuration.rules,
                                        textFeatures: configuration.textFeatures, workerCount: 1)
        print("benchmark: context (statistics, dictionaries), one core: "
            + String(format: "%.3f s", Date().timeIntervalSince(clock)))
        clock = Date()
        _ = SegmentAssigner(configuration: configuration, workerCount: 1).assign(context: context)
        print("benchmark: assign with prepared context, one core: " + String(format: "%.3f s", Date().timeIntervalSince(clock)))
        for (feature, dictionary) in context.dictionaries.sorted(by: { $0.key < $1.key }) {
            clock = Date()
            _ = TextDictionary(columns.texts(feature))
            print("benchmark: dictionary \(feature.name) (\(dictionary.values.count) values): "
                + String(format: "%.3f s", Date().timeIntervalSince(clock)))
        }
        let compiled = configuration.rules.map { CompiledRule($0, context: context) }
        let registers = RegisterFile()
        let start = Date()
        var rows = 0..<0
        var sink = 0.0
        while rows.upperBound < rowCount {
            rows = rows.upperBound..<min(rows.upperBound + registers.batchSize, rowCount)
            for rule in compiled {
                let first = rule.run(rows: rows, registers: registers)[0]
                sink += first.isNaN ? 0 : first
            }
        }
        let seconds = Date().timeIntervalSince(start)
        print("benchmark: rules only, one core: " + String(format: "%.3f s", seconds)
            + String(format: " (%.1f ns per row and rule)", seconds * 1e9 / Double(rowCount * ruleCount)) + " (checksum \(Int(sink)))")
    }
}
