import Foundation
import PostgresClient
import SegflowTestSupport
import Testing
@testable import SegflowGenerator

/// The Swift engine and the plain-SQL reference (sql/reference/) must compute the same
/// features for every customer and quarantine the same rows for the same reasons.
@Suite(.serialized) struct EngineMatchesReferenceTests {
    func assertSame(_ database: TestDatabaseInfo, parameters: ReferenceParameters, minimumCustomers: Int) throws {
        let comparison = try EngineReferenceComparison(database: database, parameters: parameters)
        let (mismatches, referenceCustomers) = try comparison.featureMismatches(database)
        #expect(referenceCustomers >= minimumCustomers)
        #expect(comparison.features.count == referenceCustomers)
        if !mismatches.isEmpty {
            var byFeature: [String: Int] = [:]
            for mismatch in mismatches { byFeature[mismatch.feature, default: 0] += 1 }
            print("feature mismatches by feature: \(byFeature.sorted { $0.key < $1.key })")
            for mismatch in mismatches.prefix(25) { print("  \(mismatch)") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) feature values differ")
        let counts = try comparison.quarantineCounts(database)
        for key in Set(counts.engine.keys).union(counts.reference.keys).sorted() where counts.engine[key] != counts.reference[key] {
            Issue.record("quarantine \(key): engine \(counts.engine[key] ?? 0), reference \(counts.reference[key] ?? 0)")
        }
        for log in comparison.quarantine {
            #expect(log.rowsIn == log.rowsKept + log.rowsRejected, "\(log.source): rows in = kept + rejected")
        }
    }

    @Test func handMadeFixtureGivesIdenticalFeaturesAndQuarantine() throws {
        let run = try ReferenceRun.sharedFixture()
        try assertSame(run.database, parameters: .fixture, minimumCustomers: 5)
    }

    @Test(arguments: [0.0, 0.03])
    func generatedStoreGivesIdenticalFeaturesAndQuarantine(dirtyRate: Double) throws {
        let database = try TestPostgres.makeDatabase(prefix: dirtyRate == 0 ? "equiv_clean" : "equiv_dirty")
        let configuration = PostgresConfiguration(connectionString: database.connectionString)
        var generator = GeneratorConfiguration(customers: 1_500, seed: 7, dirtyRate: dirtyRate)
        generator.workers = 2
        _ = try DataGenerator(configuration: generator, logger: .init(label: "test")).run(database: configuration)
        var parameters = ReferenceParameters()
        parameters.asOf = GeneratorConfiguration.defaultEndDay.description
        parameters.maxOrderTotal = "100000"
        parameters.runStartedAt = "2026-11-22 00:00:00+00"
        let connection = try PostgresConnection(configuration)
        try connection.simpleQuery("set client_min_messages = warning")
        try ReferenceSQL.run(on: connection, parameters: parameters)
        connection.close()
        try assertSame(database, parameters: parameters, minimumCustomers: 1_400)
    }
}
