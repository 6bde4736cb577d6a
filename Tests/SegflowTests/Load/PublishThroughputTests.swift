import Foundation
import PostgresClient
import SegflowTestSupport
import Testing
@testable import SegflowPublish

/// Publish throughput, only when SEGFLOW_BENCH_CUSTOMERS is set (e.g. 1000000);
/// run in release for meaningful numbers.
@Suite(.serialized) struct PublishThroughputTests {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["SEGFLOW_BENCH_CUSTOMERS"] != nil))
    func publishThroughput() throws {
        let customers = Int(ProcessInfo.processInfo.environment["SEGFLOW_BENCH_CUSTOMERS"] ?? "") ?? 200_000
        let (database, connection) = try LoadTestDatabase.migrated("publish_bench")
        _ = database
        let publisher = try SnapshotPublisher(connection: connection, logger: LoadTestDatabase.logger)
        let first = LargeSnapshot.make(asOf: .day("2024-01-31"), customers: customers, version: 1)
        let second = LargeSnapshot.make(asOf: .day("2024-02-29"), customers: customers, version: 2)
        // The client's share: encoding every feature row without sending it.
        let clock = ContinuousClock()
        let encodeStart = clock.now
        let rows = try FeatureRowEncoder(features: first.features, asOf: first.asOf)
        var encoder = BinaryCopyEncoder(capacity: 1 << 21)
        var bytes = 0
        for row in 0..<rows.count {
            try rows.encode(row: row, into: &encoder)
            if encoder.byteCount >= 1 << 20 { bytes += encoder.byteCount; encoder.removeAll() }
        }
        bytes += encoder.byteCount
        print("bench encode only: \(customers) feature rows, \(bytes / 1_000_000) MB in \(clock.now - encodeStart)")
        for (label, snapshot) in [("first", first), ("next", second), ("republish", second)] {
            let report = try publisher.publish(snapshot)
            let steps = report.seconds.sorted { $0.value > $1.value }.map { "\($0.key)=\(String(format: "%.2f", $0.value))" }
            print("bench \(label): \(customers) customers, \(report.rowCounts["customer_segments"] ?? 0) memberships in \(String(format: "%.2f", report.totalSeconds)) s = \(Int(Double(customers) / report.totalSeconds)) customers/s; \(steps.joined(separator: " "))")
        }
    }
}
