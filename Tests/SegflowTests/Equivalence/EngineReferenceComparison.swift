import Foundation
import PostgresClient
import SegflowTestSupport
import Testing
@testable import SegflowEngine

/// Compares the Swift engine's snapshot with `segflow_reference.customer_features` and
/// `segflow_reference.quarantine` in the same database, customer by customer.
struct EngineReferenceComparison {
    struct Mismatch: CustomStringConvertible {
        var customerID: Int64
        var feature: String
        var engine: String
        var reference: String
        var description: String { "customer \(customerID) \(feature): engine \(engine), reference \(reference)" }
    }

    let features: FeatureColumns
    let quarantine: [QuarantineLog]

    /// Runs the engine on `database` with the reference's parameters.
    init(database: TestDatabaseInfo, parameters: ReferenceParameters) throws {
        let settings = SnapshotEngine.Settings(
            timeZone: try #require(TimeZone(identifier: parameters.timeZone)),
            baseCurrency: parameters.baseCurrency,
            cleaning: CleaningRules(
                testCustomerIDs: Set(parameters.testCustomerIDs.split(separator: ",").compactMap { Int64($0) }),
                testEmails: Set(parameters.testEmails.split(separator: ",").map(String.init)),
                testEmailDomains: Set(parameters.testEmailDomains.split(separator: ",").map(String.init)),
                validStatuses: Set(parameters.validStatuses.split(separator: ",").map(String.init)),
                maxOrderTotalCents: Int64((try #require(Double(parameters.maxOrderTotal)) * 100).rounded())
            ),
            workers: 2
        )
        let runStartedAt = try #require(PostgresTimestamp(iso: parameters.runStartedAt))
        let engine = SnapshotEngine(configuration: PostgresConfiguration(connectionString: database.connectionString),
                                    settings: settings, logger: .init(label: "test"))
        let output = try engine.run(asOf: [try #require(PostgresDate(iso: parameters.asOf))],
                                    runStartedAt: Date(timeIntervalSince1970: runStartedAt.secondsSince1970))
        features = try #require(output.snapshots.first?.features)
        quarantine = output.quarantine
    }

    /// Every builder feature of every customer that differs (reals within a relative 1e-9), and
    /// every model feature the engine did not leave null.
    func featureMismatches(_ database: TestDatabaseInfo) throws -> (mismatches: [Mismatch], referenceCustomers: Int) {
        let connection = try PostgresConnection(PostgresConfiguration(connectionString: database.connectionString))
        defer { connection.close() }
        let result = try connection.execute("select * from segflow_reference.customer_features order by customer_id")
        var engineRow: [Int64: Int] = [:]
        for (row, id) in features.customerIDs.enumerated() { engineRow[id] = row }
        var mismatches: [Mismatch] = []
        var seen = Set<Int64>()
        for reference in result.rows {
            let id = try #require(reference["customer_id"].int64)
            seen.insert(id)
            guard let row = engineRow[id] else {
                mismatches.append(Mismatch(customerID: id, feature: "(row)", engine: "missing", reference: "present"))
                continue
            }
            for feature in FeatureCatalog.built {
                let expected = reference[feature.name].text
                let actual = engineText(feature: feature, row: row)
                if !same(feature.kind, actual, expected) {
                    mismatches.append(Mismatch(customerID: id, feature: feature.name, engine: actual ?? "null", reference: expected ?? "null"))
                }
            }
            // The engine leaves the model features null: the model stage fills them later.
            for feature in FeatureCatalog.predicted {
                if let actual = engineText(feature: feature, row: row) {
                    mismatches.append(Mismatch(customerID: id, feature: feature.name, engine: actual, reference: "null (model feature)"))
                }
            }
        }
        for id in features.customerIDs where !seen.contains(id) {
            mismatches.append(Mismatch(customerID: id, feature: "(row)", engine: "present", reference: "missing"))
        }
        return (mismatches, result.rowCount)
    }

    /// Quarantine counts by "source/action/reason", engine and reference.
    func quarantineCounts(_ database: TestDatabaseInfo) throws -> (engine: [String: Int], reference: [String: Int]) {
        var engine: [String: Int] = [:]
        for log in quarantine {
            for record in log.records { engine["\(record.source)/\(record.action.rawValue)/\(record.reason)", default: 0] += 1 }
        }
        let connection = try PostgresConnection(PostgresConfiguration(connectionString: database.connectionString))
        defer { connection.close() }
        var reference: [String: Int] = [:]
        for row in try connection.execute("select source, action, reason, count(*) as n from segflow_reference.quarantine group by 1, 2, 3").rows {
            reference["\(row["source"].string ?? "")/\(row["action"].string ?? "")/\(row["reason"].string ?? "")"] = row["n"].int
        }
        return (engine, reference)
    }

    private func engineText(feature: FeatureDefinition, row: Int) -> String? {
        if feature.kind == .text { return features.text(feature.key, row: row) }
        guard let value = features.number(feature.key, row: row) else { return nil }
        switch feature.kind {
        case .integer: return String(Int64(value))
        case .money: return PostgresNumeric(scaled: Int64((value * 100).rounded()), scale: 2).description
        case .date: return PostgresDate(daysSince1970: Int32(value)).description
        case .boolean: return value != 0 ? "t" : "f"
        case .real, .text: return String(value)
        }
    }

    private func same(_ kind: FeatureDefinition.Kind, _ engine: String?, _ reference: String?) -> Bool {
        guard let engine, let reference else { return engine == nil && reference == nil }
        guard kind == .real else { return engine == reference }
        guard let a = Double(engine), let b = Double(reference) else { return false }
        return a == b || abs(a - b) <= 1e-9 * max(abs(a), abs(b))
    }
}
