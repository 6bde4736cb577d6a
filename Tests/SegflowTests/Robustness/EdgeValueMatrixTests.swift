import Foundation
import PostgresClient
import SegflowTestSupport
import Testing
@testable import SegflowEngine
@testable import SegflowGenerator

/// Every value a source column's type admits is cleaned or quarantined, never a crash:
/// for every source column, each of its type's edge values (EdgeValues) goes into a small
/// generated store, as a row of its own (twice, so that totals add two extremes) and as a
/// duplicate of an existing row; then the whole pipeline runs and publishes, no row is
/// lost (rows in = kept + quarantined, rows in = the source's rows before the cut-off) and
/// every quarantine reason is a documented one.
@Suite(.serialized) struct EdgeValueMatrixTests {
    /// The documented reasons per source (docs/semantics.md, docs/reference-sql.md decisions).
    static let documentedReasons: [SourceName: Set<QuarantineReason>] = [
        .customers: [.missingKey, .missingValue, .invalidValue, .duplicate, .testAccount,
                     .invalidEmail, .invalidCountry, .invalidBirthDate],
        .products: [.missingKey, .invalidValue, .duplicate, .negativeAmount],
        .orders: [.missingKey, .missingValue, .invalidValue, .duplicate, .futureTimestamp, .orphanCustomer,
                  .invalidStatus, .unknownCurrency, .negativeAmount, .absurdAmount],
        .orderItems: [.missingKey, .missingValue, .invalidValue, .duplicate, .orphanOrder, .orphanProduct, .negativeAmount],
        .sessions: [.missingKey, .missingValue, .invalidValue, .duplicate, .futureTimestamp, .bot,
                    .orphanCustomer, .negativeAmount],
        .chats: [.missingKey, .missingValue, .invalidValue, .duplicate, .futureTimestamp, .orphanCustomer],
        .fxRates: [.missingKey, .invalidValue, .duplicate],
    ]

    @Test func everyEdgeValueOfEverySourceColumnIsKeptOrQuarantinedWithADocumentedReason() throws {
        let store = try RunTestStore.make("edge_matrix", customers: 150, seed: 5)
        let matrix = try EdgeValueStore(store: store)
        let inserted = try matrix.insertMatrix()
        #expect(inserted > 1_000, "the matrix inserted \(inserted) rows")

        let report = try store.runner(try RunTestStore.pipeline()).run(asOf: GeneratorConfiguration.defaultEndDay)
        #expect(report.customers > 0)

        var records: [String: [QuarantineRecord]] = [:]
        for log in report.quarantine {
            let source = try #require(SourceName(rawValue: log.source))
            #expect(log.rowsIn == log.rowsKept + log.rowsRejected, "\(log.source): rows in = kept + rejected")
            #expect(log.records.filter { $0.action == .rejected }.count == log.rowsRejected, "\(log.source): one record per rejected row")
            // Nothing lost on the way in: every source row before the cut-off reached the clean stage.
            #expect(log.rowsIn == (try matrix.rowsInSnapshot(source)), "\(log.source): rows in")
            let undocumented = Set(log.records.map(\.reason)).subtracting(Self.documentedReasons[source] ?? [])
            #expect(undocumented.isEmpty, "\(log.source): undocumented reasons \(undocumented.map(\.rawValue).sorted())")
            for record in log.records { records["\(record.source)/\(record.key)", default: []].append(record) }
        }

        // The defects issue 8 names, each with its documented reason.
        func reasons(_ source: SourceName, _ key: String) -> Set<QuarantineReason> {
            Set((records["\(source.rawValue)/\(key)"] ?? []).map(\.reason))
        }
        for (source, column, literal, reason) in [
            (SourceName.customers, "created_at", "('-infinity')::timestamptz", QuarantineReason.invalidValue),
            (.customers, "birth_date", "('-infinity')::date", .invalidBirthDate),
            (.customers, "birth_date", "('infinity')::date", .invalidBirthDate),
            (.orders, "placed_at", "('-infinity')::timestamptz", .invalidValue),
            (.orders, "subtotal", "('NaN')::numeric", .invalidValue),
            (.orders, "total", "('Infinity')::numeric", .invalidValue),
            (.orders, "discount_total", "(922337203685477.59)::numeric", .invalidValue),
            (.orders, "customer_id", "(null)::bigint", .orphanCustomer),
            (.orderItems, "unit_price", "('-Infinity')::numeric", .invalidValue),
            (.products, "list_price", "('NaN')::numeric", .invalidValue),
            (.sessions, "started_at", "('-infinity')::timestamptz", .invalidValue),
            (.chats, "started_at", "('-infinity')::timestamptz", .invalidValue),
            (.fxRates, "rate_to_base", "('Infinity')::numeric", .invalidValue),
            (.fxRates, "day", "('-infinity')::date", .invalidValue),
        ] {
            let key = try #require(matrix.freshKey(source, column, literal), "\(source) \(column) \(literal) was inserted")
            #expect(reasons(source, key).contains(reason), "\(source.rawValue).\(column) = \(literal): \(reasons(source, key).map(\.rawValue).sorted())")
        }
        // Two extremes of one customer are both kept, and their totals saturate instead of trapping.
        for (source, column, feature) in [(SourceName.sessions, "product_views", "product_views_90d"), (.chats, "customer_messages", "customer_messages")] {
            for copy in 1...2 {
                let key = try #require(matrix.freshKey(source, column, "(2147483647)::integer", copy: copy))
                #expect(reasons(source, key).isEmpty, "\(source.rawValue) \(key) with \(column) 2147483647 is kept")
            }
            let customer = try matrix.templateCustomer(source)
            #expect(try store.count("select \(feature) from segflow.customer_features where customer_id = \(customer)") == 2_147_483_647)
        }
        // A discount no published total could hold is absurd, not a failed load.
        let discounted = try #require(matrix.freshKey(.orders, "discount at the largest rate"))
        #expect(reasons(.orders, discounted) == [.absurdAmount])
        // A blank fx currency is no key (its row has no key text to look up by).
        let fx = try #require(report.quarantine.first { $0.source == "fx_rates" })
        #expect(fx.records.contains { $0.reason == .missingKey && $0.raw.contains { $0.column == "currency" && $0.value == "" } })
        // The customer with id 0 exists, and the order without a customer is not credited to it.
        #expect(try store.count("select count(*) from shop.customers where customer_id = 0") > 0)
    }

    /// The plain-SQL reference, on the same matrix, quarantines the same rows for the same
    /// reasons and computes the same features: engine == reference holds at the edges too.
    @Test func thePlainSQLReferenceAgreesOnTheMatrix() throws {
        let database = try TestPostgres.makeDatabase(prefix: "edge_reference")
        let store = RunTestStore(connectionString: database.connectionString)
        let generation = GeneratorConfiguration(customers: 150, seed: 5, workers: 2, createIndexes: false, progressInterval: 3_600)
        _ = try DataGenerator(configuration: generation, logger: RunTestStore.quietLogger).run(database: store.configuration)
        _ = try EdgeValueStore(store: store).insertMatrix()
        var parameters = ReferenceParameters()
        parameters.asOf = GeneratorConfiguration.defaultEndDay.description
        parameters.maxOrderTotal = "100000"
        parameters.runStartedAt = "2026-11-22 00:00:00+00"
        let connection = try store.connect()
        try connection.simpleQuery("set client_min_messages = warning")
        try ReferenceSQL.run(on: connection, parameters: parameters)
        connection.close()

        let comparison = try EngineReferenceComparison(database: database, parameters: parameters)
        let counts = try comparison.quarantineCounts(database)
        for key in Set(counts.engine.keys).union(counts.reference.keys).sorted() where counts.engine[key] != counts.reference[key] {
            Issue.record("quarantine \(key): engine \(counts.engine[key] ?? 0), reference \(counts.reference[key] ?? 0)")
        }
        let (mismatches, _) = try comparison.featureMismatches(database)
        for mismatch in mismatches.prefix(20) { Issue.record("\(mismatch)") }
    }
}
