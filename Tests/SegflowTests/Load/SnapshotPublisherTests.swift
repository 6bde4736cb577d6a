import Foundation
import PostgresClient
import SegflowTestSupport
import Testing
@testable import SegflowPublish
@testable import SegflowRules

@Suite struct SnapshotPublisherTests {
    private let logger = LoadTestDatabase.logger

    /// Three customers covering NULLs, cents, negative amounts, dates, booleans and text.
    private func exactSnapshot(runID: RunID = RunID(), asOf: PostgresDate = .day("2024-03-31")) -> OutputSnapshot<[SegmentMembership]> {
        var features = FeatureTableBuilder(customerIDs: [9_000_000_001, 2, 3])
        features.set("recency_days", [5, nil, -2])
        features.set("frequency", [3, 0, 2_147_483_647])
        features.set("monetary", [12.34, nil, -5.5])
        features.set("aov", [0.1 + 0.2, nil, 999_999_999_999.99])
        features.set("first_order_date", [Double(PostgresDate.day("2024-01-31").daysSince1970), nil, Double(PostgresDate.day("1969-12-31").daysSince1970)])
        features.set("avg_discount_rate", [0.1, nil, 1.0 / 3.0])
        features.set("newsletter_opt_in", [1, 0, nil])
        features.set("country", texts: ["DE", nil, "FR"])
        features.set("city", texts: ["Köln", "O'Brien \"quoted\"", ""])
        return OutputSnapshot(
            asOf: asOf, runID: runID, configHash: "hash-1", features: features.columns,
            segmentDefinitions: [
                .init(segmentationKey: "value", segmentKey: "high", name: "High value", description: "Spends a lot",
                      rule: "monetary > 10", actions: ["call", "say \"thanks\"", #"back\slash"#, ""], isPrimary: true, position: 1),
                .init(segmentationKey: "value", segmentKey: "other", name: "Other", isPrimary: true, position: 2),
            ],
            memberships: [
                .init(customerID: 9_000_000_001, segmentationKey: "value", segmentKey: "high", isPrimary: true),
                .init(customerID: 2, segmentationKey: "value", segmentKey: "other", isPrimary: true),
                .init(customerID: 3, segmentationKey: "value", segmentKey: "other", isPrimary: true),
            ],
            quarantine: [
                .init(source: "orders", key: "42", reason: .duplicate, action: .rejected,
                      raw: [.init("order_id", "42"), .init("coupon_code", nil), .init("note", "tab\there \"q\" \\ é")]),
                .init(source: "customers", key: "", reason: .missingKey, action: .rejected, raw: [.init("customer_id", nil)]),
                .init(source: "customers", key: "7", reason: .invalidEmail, action: .repaired, raw: [.init("email", "not-an-email")]),
            ]
        )
    }

    @Test func aPublishedSnapshotReadsBackExactly() throws {
        let (database, connection) = try LoadTestDatabase.migrated("publish_exact")
        _ = database
        let runID = RunID()
        let report = try SnapshotPublisher(connection: connection, logger: logger).publish(exactSnapshot(runID: runID))
        #expect(report.rowCounts["customer_features"] == 3)
        #expect(report.rowCounts["customer_segments"] == 3)
        #expect(report.rowCounts["quarantine"] == 3)
        #expect(report.previousAsOf == nil && !report.replaced)

        let rows = try connection.texts("""
            select customer_id, as_of, recency_days, frequency, monetary, aov, first_order_date,
                   avg_discount_rate, newsletter_opt_in, country, city, tenure_days, top_product_line
            from segflow.customer_features order by customer_id
            """)
        #expect(rows == [
            ["2", "2024-03-31", nil, "0", nil, nil, nil, nil, "f", nil, "O'Brien \"quoted\"", nil, nil],
            ["3", "2024-03-31", "-2", "2147483647", "-5.50", "999999999999.99", "1969-12-31", "0.3333333333333333", nil, "FR", "", nil, nil],
            ["9000000001", "2024-03-31", "5", "3", "12.34", "0.30", "2024-01-31", "0.1", "t", "DE", "Köln", nil, nil],
        ])
        // Doubles survive bit for bit.
        let third = try connection.execute("select avg_discount_rate from segflow.customer_features where customer_id = 3")[0][0].double
        #expect(third == 1.0 / 3.0)

        #expect(try connection.texts("select customer_id, segmentation_key, segment_key, is_primary from segflow.customer_segments order by customer_id") == [
            ["2", "value", "other", "t"], ["3", "value", "other", "t"], ["9000000001", "value", "high", "t"],
        ])
        let definition = try connection.execute("""
            select name, description, rule, actions, array_length(actions, 1), actions[2], actions[3], is_primary, position
            from segflow.segment_definitions where segment_key = 'high'
            """)[0]
        #expect(definition[0].string == "High value" && definition[1].string == "Spends a lot" && definition[2].string == "monetary > 10")
        #expect(definition[4].int == 4 && definition[5].string == "say \"thanks\"" && definition[6].string == #"back\slash"#)
        #expect(definition[7].bool == true && definition[8].int == 1)
        #expect(try connection.texts("select actions, description from segflow.segment_definitions where segment_key = 'other'") == [["{}", nil]])

        let quarantine = try connection.texts("""
            select run_id::text, source, source_key, reason, action, raw->>'order_id', raw->'coupon_code', raw->>'note', raw::text
            from segflow.quarantine order by source, reason
            """)
        #expect(quarantine == [
            [runID.description, "customers", "7", "invalid_email", "repaired", nil, nil, nil, #"{"email": "not-an-email"}"#],
            [runID.description, "customers", nil, "missing_key", "rejected", nil, nil, nil, #"{"customer_id": null}"#],
            [runID.description, "orders", "42", "duplicate", "rejected", "42", "null", "tab\there \"q\" \\ é",
             #"{"note": "tab\there \"q\" \\ é", "order_id": "42", "coupon_code": null}"#],
        ])
        #expect(try connection.texts("select as_of, run_id::text, config_hash, previous_as_of, customers, memberships, quarantined from segflow.snapshots") == [
            ["2024-03-31", runID.description, "hash-1", nil, "3", "3", "3"],
        ])
        // The partition has its canonical name and indexes, in the partitions schema (out of a
        // BI tool's table picker); no staging table is left.
        #expect(try connection.texts("""
            select relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where nspname = 'segflow_partitions' and relname like '%p20240331%' order by relname
            """).map { $0[0] ?? "" } == [
            "customer_features_p20240331", "customer_features_p20240331_pkey",
            "customer_segments_p20240331", "customer_segments_p20240331_pkey", "customer_segments_p20240331_segment_brin",
        ])
    }

    @Test func republishingAnAsOfReplacesItWithIdenticalRows() throws {
        let (database, connection) = try LoadTestDatabase.migrated("publish_again")
        _ = database
        let publisher = try SnapshotPublisher(connection: connection, logger: logger)
        try publisher.publish(KPIExample.januarySnapshot())
        let runID = RunID()
        try publisher.publish(KPIExample.februarySnapshot(runID: runID))
        let tables = [
            "customer_features": "customer_id", "customer_segments": "customer_id, segmentation_key, segment_key",
            "segment_definitions": "segmentation_key, segment_key", "segment_kpis": "segmentation_key, segment_key",
            "kpi_snapshots": "as_of", "segment_transitions": "segmentation_key, from_segment, to_segment", "quarantine": "source",
        ]
        func read() throws -> [String: [[String?]]] {
            var result: [String: [[String?]]] = [:]
            for (table, order) in tables {
                result[table] = try connection.texts("select * from segflow.\(identifier: table) where as_of = '2024-02-29' order by \(unescaped: order)")
            }
            return result
        }
        let first = try read()
        let report = try publisher.publish(KPIExample.februarySnapshot(runID: runID))
        #expect(report.replaced)
        #expect(report.previousAsOf == KPIExample.january)
        #expect(try read() == first)
        #expect(first["customer_features"]?.count == 4)
        #expect(try connection.execute("select count(*) from segflow.snapshots")[0][0].int == 2)

        // Publishing different data for the as_of replaces it whole.
        var smaller = KPIExample.februarySnapshot()
        var features = FeatureTableBuilder(customerIDs: [2])
        features.fill("frequency", 9)
        smaller.features = features.columns
        smaller.memberships = [KPIExample.member(2, "lifecycle", "loyal")]
        try publisher.publish(smaller)
        #expect(try connection.texts("select customer_id, frequency from segflow.customer_features where as_of = '2024-02-29'") == [["2", "9"]])
        #expect(try connection.texts("select customer_id from segflow.customer_segments where as_of = '2024-02-29'") == [["2"]])
        #expect(try connection.texts("select customers, memberships from segflow.snapshots where as_of = '2024-02-29'") == [["1", "1"]])
        // January is untouched.
        #expect(try connection.execute("select count(*) from segflow.customer_features where as_of = '2024-01-31'")[0][0].int == 4)
    }

    @Test func kpisAndTransitionsMatchTheHandCheckedExample() throws {
        let (database, connection) = try LoadTestDatabase.migrated("publish_kpis")
        _ = database
        let publisher = try SnapshotPublisher(connection: connection, logger: logger)
        try publisher.publish(KPIExample.januarySnapshot())
        try publisher.publish(KPIExample.februarySnapshot())

        let columns = """
            segmentation_key, segment_key, members, share, members_joined, members_left, buyers, revenue_30d, orders_30d,
            aov_30d, conversion_rate_30d, repeat_purchase_rate, cart_abandonment_rate_90d, avg_csat, discounted_order_share
            """
        let january = try connection.execute("select \(unescaped: columns) from segflow.segment_kpis where as_of = '2024-01-31' order by 1, 2")
        let expectedJanuary: [[Any?]] = [
            //                          members share joined left buyers revenue orders aov    conversion repeat abandonment csat disc
            ["channel", "email",           2, 0.5, nil, nil, 2, "50.75", 3, "16.92", 3.0 / 9, 0.5, 1.0 / 5, 3.0, 0.75],
            ["lifecycle", "lapsed",        0, 0.0, nil, nil, 0, "0.00", 0, nil, nil, nil, nil, nil, nil],
            ["lifecycle", "loyal",         2, 0.5, nil, nil, 2, "40.25", 2, "20.13", 2.0 / 5, 1.0, 1.0 / 5, 2.0, 0.25],
            ["lifecycle", "new",           2, 0.5, nil, nil, 1, "10.50", 1, "10.50", 1.0 / 6, 0.0, 3.0 / 4, 4.0, 1.0],
        ]
        try expectRows(january, expectedJanuary)

        let february = try connection.execute("select \(unescaped: columns) from segflow.segment_kpis where as_of = '2024-02-29' order by 1, 2")
        let expectedFebruary: [[Any?]] = [
            ["channel", "email",           1, 0.25, 1, 2, 1, "5.01", 1, "5.01", 1.0, 0.0, 0.0, nil, 0.0],
            ["lifecycle", "lapsed",        1, 0.25, 1, 0, 1, "0.00", 0, nil, nil, 1.0, 1.0, nil, 1.0],
            ["lifecycle", "loyal",         2, 0.5, 1, 1, 2, "39.99", 3, "13.33", 3.0 / 4, 1.0, 0.0, 4.0, 0.375],
            ["lifecycle", "new",           1, 0.25, 1, 2, 1, "5.01", 1, "5.01", 1.0, 0.0, 0.0, nil, 0.0],
        ]
        try expectRows(february, expectedFebruary)

        let snapshots = try connection.execute("""
            select as_of, previous_as_of, customers, new_customers, removed_customers, buyers, revenue_30d, orders_30d, aov_30d,
                   conversion_rate_30d, repeat_purchase_rate, cart_abandonment_rate_90d, avg_csat, discounted_order_share
            from segflow.kpi_snapshots order by as_of
            """)
        try expectRows(snapshots, [
            ["2024-01-31", nil, 4, nil, nil, 3, "50.75", 3, "16.92", 3.0 / 11, 2.0 / 3, 4.0 / 9, 3.0, 0.5],
            ["2024-02-29", "2024-01-31", 4, 1, 1, 4, "45.00", 4, "11.25", 4.0 / 5, 3.0 / 4, 3.0 / 8, 4.0, 0.4375],
        ])

        #expect(try connection.texts("""
            select as_of, previous_as_of, segmentation_key, from_segment, to_segment, customers
            from segflow.segment_transitions order by as_of, from_segment nulls first, to_segment nulls first
            """) == [
            ["2024-01-31", nil, "lifecycle", nil, "loyal", "2"],
            ["2024-01-31", nil, "lifecycle", nil, "new", "2"],
            ["2024-02-29", "2024-01-31", "lifecycle", nil, "new", "1"],
            ["2024-02-29", "2024-01-31", "lifecycle", "loyal", "lapsed", "1"],
            ["2024-02-29", "2024-01-31", "lifecycle", "loyal", "loyal", "1"],
            ["2024-02-29", "2024-01-31", "lifecycle", "new", nil, "1"],
            ["2024-02-29", "2024-01-31", "lifecycle", "new", "loyal", "1"],
        ])
    }

    @Test func currentViewsShowTheLatestPublishedSnapshot() throws {
        let (database, connection) = try LoadTestDatabase.migrated("publish_current")
        _ = database
        #expect(try connection.execute("select count(*) from segflow.current_customer_features")[0][0].int == 0)
        let publisher = try SnapshotPublisher(connection: connection, logger: logger)
        try publisher.publish(KPIExample.januarySnapshot())
        #expect(try connection.texts("select distinct as_of from segflow.current_customer_features") == [["2024-01-31"]])
        try publisher.publish(KPIExample.februarySnapshot())
        for view in ["current_customer_features", "current_customer_segments", "current_segment_kpis", "current_kpi_snapshot", "current_snapshot"] {
            #expect(try connection.texts("select distinct as_of from segflow.\(identifier: view)") == [["2024-02-29"]], "\(view)")
        }
        #expect(try connection.execute("select count(*) from segflow.current_customer_features")[0][0].int == 4)
        #expect(try connection.execute("select count(*) from segflow.current_customer_segments")[0][0].int == 5)
        #expect(try connection.execute("select count(*) from segflow.current_segment_kpis")[0][0].int == 4)
        // Republishing an older as_of does not move "current" back.
        try publisher.publish(KPIExample.januarySnapshot())
        #expect(try connection.texts("select as_of from segflow.current_kpi_snapshot") == [["2024-02-29"]])
    }

    @Test func publishingOutOfOrderRecomputesTheNextSnapshotsComparisons() throws {
        let (database, connection) = try LoadTestDatabase.migrated("publish_order")
        _ = database
        let publisher = try SnapshotPublisher(connection: connection, logger: logger)
        try publisher.publish(KPIExample.februarySnapshot())
        #expect(try connection.texts("select new_customers, previous_as_of from segflow.kpi_snapshots") == [[nil, nil]])

        let report = try publisher.publish(KPIExample.januarySnapshot())
        #expect(report.recomputedAsOf == KPIExample.february)
        #expect(try connection.texts("select as_of, previous_as_of from segflow.snapshots order by as_of") == [
            ["2024-01-31", nil], ["2024-02-29", "2024-01-31"],
        ])
        #expect(try connection.texts("select new_customers, removed_customers from segflow.kpi_snapshots where as_of = '2024-02-29'") == [["1", "1"]])
        #expect(try connection.texts("""
            select members_joined, members_left from segflow.segment_kpis
            where as_of = '2024-02-29' and segmentation_key = 'lifecycle' and segment_key = 'new'
            """) == [["1", "2"]])
        #expect(try connection.execute("select count(*) from segflow.segment_transitions where as_of = '2024-02-29' and previous_as_of = '2024-01-31'")[0][0].int == 5)
    }

    @Test func inconsistentSnapshotsAreRejectedAndChangeNothing() throws {
        let (database, connection) = try LoadTestDatabase.migrated("publish_invalid")
        _ = database
        let publisher = try SnapshotPublisher(connection: connection, logger: logger)
        try publisher.publish(KPIExample.januarySnapshot())

        var orphan = KPIExample.februarySnapshot()
        orphan.memberships.append(KPIExample.member(99, "channel", "email"))
        #expect(throws: SnapshotValidationError.self) { try publisher.publish(orphan) }

        var doubled = KPIExample.februarySnapshot()
        doubled.memberships.append(KPIExample.member(2, "lifecycle", "new"))
        #expect(throws: SnapshotValidationError.self) { try publisher.publish(doubled) }

        var fractional = KPIExample.februarySnapshot()
        var features = FeatureTableBuilder(customerIDs: [2, 3, 4, 5])
        features.set("frequency", [1, 2.5, 1, 1])
        fractional.features = features.columns
        let error = #expect(throws: FeatureValueError.self) { try publisher.publish(fractional) }
        #expect(error?.feature == "frequency" && error?.customerID == 3)

        var duplicate = KPIExample.februarySnapshot()
        duplicate.features = FeatureTableBuilder(customerIDs: [2, 3, 3, 5]).columns
        duplicate.memberships.removeAll { $0.customerID == 4 }  // so that only the primary key objects
        #expect(throws: PostgresError.self) { try publisher.publish(duplicate) }

        #expect(try connection.texts("select as_of from segflow.snapshots") == [["2024-01-31"]])
        #expect(try connection.execute("select count(*) from segflow.customer_features")[0][0].int == 4)
        #expect(try connection.execute("select count(*) from pg_class where relname like '%\\_new%'")[0][0].int == 0)
    }

    @Test func theSegmentStagesOutputPublishesAsItIs() throws {
        let (_, connection) = try LoadTestDatabase.migrated("publish_stage_output")
        let results = [
            SegmentationResult(
                key: "lifecycle", name: "Lifecycle", isPrimary: true, isExclusive: true,
                segments: [ResolvedSegment(key: "new", name: "New", actions: ["welcome"], rule: "frequency <= 1"),
                           ResolvedSegment(key: "loyal", name: "Loyal", rule: "frequency >= 2")],
                memberships: .exclusive([0, 1, -1])
            ),
            SegmentationResult(
                key: "country", name: "Country", isPrimary: false, isExclusive: false,
                segments: [ResolvedSegment(key: "country:de", name: "DE", value: "DE")],
                memberships: .overlapping(rows: [0, 2], segments: [0, 0])
            ),
        ]
        let memberships = SegmentMemberships(customerIDs: [10, 20, 30], segmentations: results)
        let snapshot = OutputSnapshot(
            asOf: .day("2024-05-31"), runID: RunID(), configHash: "h",
            features: FeatureTableBuilder(customerIDs: [10, 20, 30]).columns,
            segmentDefinitions: SegmentDefinitionRecord.records(from: results),
            memberships: memberships
        )
        try SnapshotPublisher(connection: connection, logger: logger).publish(snapshot)
        #expect(try connection.texts("select customer_id, segmentation_key, segment_key, is_primary from segflow.customer_segments order by 1, 2") == [
            ["10", "country", "country:de", "f"], ["10", "lifecycle", "new", "t"], ["20", "lifecycle", "loyal", "t"], ["30", "country", "country:de", "f"],
        ])
        #expect(try connection.texts("select segmentation_key, segment_key, name, rule, actions, is_primary, position from segflow.segment_definitions order by 1, 7") == [
            ["country", "country:de", "DE", nil, "{}", "f", "1"],
            ["lifecycle", "new", "New", "frequency <= 1", "{welcome}", "t", "1"],
            ["lifecycle", "loyal", "Loyal", "frequency >= 2", "{}", "t", "2"],
        ])
        #expect(try connection.texts("select to_segment, customers from segflow.segment_transitions order by 1") == [["loyal", "1"], ["new", "1"]])
    }

    @Test func publishingWorksInAnySchemaName() throws {
        let schema = #"BI "out"; drop"#
        let (_, connection) = try LoadTestDatabase.migrated("publish_schema", schema: schema)
        let publisher = try SnapshotPublisher(connection: connection, schema: schema, logger: logger)
        try publisher.publish(KPIExample.januarySnapshot())
        try publisher.publish(KPIExample.februarySnapshot())
        try publisher.publish(KPIExample.februarySnapshot())
        #expect(try connection.texts("select as_of, customers from \(identifier: schema).current_kpi_snapshot") == [["2024-02-29", "4"]])
        #expect(try connection.execute("select count(*) from \(identifier: schema).segment_transitions")[0][0].int == 7)
        #expect(try connection.execute("select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'segflow'")[0][0].int == 0)
    }

    @Test func publishingRefusesASchemaNewerThanThisBuild() throws {
        let (database, connection) = try LoadTestDatabase.migrated("publish_newer")
        _ = database
        try connection.execute("insert into segflow.schema_migrations (version, name, checksum) values (9999, 'future', 'x')")
        let publisher = try SnapshotPublisher(connection: connection, logger: logger)
        #expect(throws: SchemaTooNewError.self) { try publisher.publish(KPIExample.januarySnapshot()) }
    }

    /// Compares text cells with expected values: numbers as doubles (within 1e-12),
    /// strings exactly, nil as NULL.
    private func expectRows(_ result: PostgresResult, _ expected: [[Any?]], sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        #expect(result.rowCount == expected.count, sourceLocation: sourceLocation)
        for (index, row) in result.rows.enumerated() where index < expected.count {
            for (column, value) in expected[index].enumerated() {
                let cell = row[column]
                switch value {
                case nil:
                    #expect(cell.isNull, "row \(index) \(cell.column): \(cell.text ?? "NULL")", sourceLocation: sourceLocation)
                case let text as String:
                    #expect(cell.text == text, "row \(index) \(cell.column)", sourceLocation: sourceLocation)
                case let number as Int:
                    #expect(cell.int == number, "row \(index) \(cell.column): \(cell.text ?? "NULL")", sourceLocation: sourceLocation)
                case let number as Double:
                    let actual = try #require(cell.double, "row \(index) \(cell.column) is NULL", sourceLocation: sourceLocation)
                    #expect(abs(actual - number) < 1e-12, "row \(index) \(cell.column): \(actual) vs \(number)", sourceLocation: sourceLocation)
                default:
                    Issue.record("unsupported expectation \(String(describing: value))", sourceLocation: sourceLocation)
                }
            }
        }
    }
}
