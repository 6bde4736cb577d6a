import SegflowSQL
import SegflowTestSupport
import Testing

/// Reference SQL runs with other parameters or data than the shared fixture.
@Suite("Reference SQL: snapshots")
struct ReferenceSnapshotTests {
    /// Customer 20 ordered at 00:30 Berlin on June 1 (22:30Z May 31), 23:30 Berlin on June 30
    /// (21:30Z) and 00:30 Berlin on July 1 (22:30Z June 30). The as-of day and the trailing
    /// windows are calendar days of the pipeline's time zone.
    @Test func cutoffAndTrailingWindowsFollowThePipelineTimeZone() throws {
        let berlin = try ReferenceRun.sharedFixture()
        var inBerlin = FeatureExpectation()
        inBerlin.text = [
            "frequency": "2", "first_order_date": "2024-06-01", "last_order_date": "2024-06-30", "recency_days": "0",
            "orders_30d": "2", "monetary_30d": "30.00", "monetary": "30.00",
        ]
        inBerlin.check(try berlin.features(20), customer: 20)

        var parameters = ReferenceParameters.fixture
        parameters.timeZone = "UTC"
        parameters.runStartedAt = "2024-07-01 06:00:00+00"
        let utc = try ReferenceRun(database: ReferenceSQL.makeDatabase(
            prefix: "reference_utc", rows: SegflowSQL.text("reference/fixtures/shop_fixture.sql"), parameters: parameters
        ))
        var inUTC = FeatureExpectation()
        inUTC.text = [
            "frequency": "3", "first_order_date": "2024-05-31", "last_order_date": "2024-06-30", "recency_days": "0",
            "orders_30d": "2", "monetary_30d": "60.00", "monetary": "70.00",
        ]
        inUTC.check(try utc.features(20), customer: 20)
        #expect(try utc.value("select cutoff::text from segflow_reference.params") == "2024-07-01 00:00:00+00")
        #expect(try berlin.value("select cutoff::text from segflow_reference.params") == "2024-06-30 22:00:00+00")
        try? utc.database.drop()
    }

    /// Ties share the lowest rank: six buyers on one day, monetary 10, 10, 20, 30, 30, 40.
    @Test func rfmTiesShareARank() throws {
        var rows = """
            insert into shop.customers (customer_id, email, created_at, country, city, newsletter_opt_in, acquisition_channel, updated_at)
            select id, 'c' || id || '@shop.io', '2023-01-01 10:00Z', 'DE', 'X', true, 'organic', '2023-01-01 10:00Z'
            from generate_series(1, 7) as id;
            insert into shop.orders (order_id, customer_id, placed_at, status, currency, subtotal, discount_total, shipping_total, tax_total, total, updated_at)
            values
            """
        let amounts = [10, 10, 20, 30, 30, 40]
        rows += amounts.enumerated().map { index, amount in
            "(\(index + 1), \(index + 1), '2024-06-01 10:00Z', 'completed', 'EUR', \(amount), 0, 0, 0, \(amount), '2024-06-01 10:00Z')"
        }.joined(separator: ",\n") + ";"
        let run = try ReferenceRun(database: ReferenceSQL.makeDatabase(prefix: "reference_rfm", rows: rows, parameters: .init()))
        defer { try? run.database.drop() }
        let result = try run.rows("select customer_id::text, rfm_score from segflow_reference.customer_features")
        let scores: [String: String?] = Dictionary(uniqueKeysWithValues: result.map { ($0["customer_id"]!!, $0["rfm_score"]!) })
        // Equal recency and frequency: everyone ranks 1 and scores 1. Monetary ranks 1 1 3 4 4 6
        // score 1 + 5 * (rank - 1) / 6: 1 1 2 3 3 5. Customer 7 bought nothing: no score.
        #expect(scores == ["1": "111", "2": "111", "3": "112", "4": "113", "5": "113", "6": "115", "7": String?.none])
    }

    /// The canonical source DDL (sql/source/) has uuid visitor ids and text currencies.
    @Test func runsOnTheCanonicalSourceSchema() throws {
        let database = try TestPostgres.makeDatabase(prefix: "reference_canonical")
        defer { try? database.drop() }
        let connection = try ReferenceSQL.connect(database)
        defer { connection.close() }
        try connection.simpleQuery("set client_min_messages = warning")
        for file in try SegflowSQL.files(in: "source") {
            try connection.simpleQuery(String(contentsOf: file, encoding: .utf8))
        }
        try connection.simpleQuery("""
            insert into shop.customers (customer_id, email, created_at, country, city, newsletter_opt_in, acquisition_channel, updated_at)
            values (1, 'a@shop.io', '2023-01-01 10:00Z', 'DE', 'X', true, 'organic', '2023-01-01 10:00Z');
            insert into shop.sessions (session_id, visitor_id, customer_id, started_at, ended_at, channel, page_views, product_views, category_views, cart_adds)
            values (1, '6f1c2a9e-4c3b-4a55-9d1e-0b7c1f6a2e10', null, '2024-06-01 10:00Z', '2024-06-01 10:10Z', 'email', 3, 1, 0, 0),
                   (2, '6f1c2a9e-4c3b-4a55-9d1e-0b7c1f6a2e10', 1, '2024-06-02 10:00Z', '2024-06-02 10:10Z', 'email', 3, 1, 0, 0);
            insert into shop.orders (order_id, customer_id, session_id, placed_at, status, currency, subtotal, discount_total, shipping_total, tax_total, total, updated_at)
            values (1, 1, 1, '2024-06-01 10:05Z', ' Completed', ' eur ', 10, 0, 0, 0, 10, '2024-06-01 10:05Z');
            """)
        try ReferenceSQL.run(on: connection, parameters: .init())
        let row = try connection.execute("select sessions_total, sessions_without_order, frequency from segflow_reference.customer_features where customer_id = 1")
        #expect(row.rowCount == 1)
        #expect(row[0]["sessions_total"].int == 2)              // the anonymous session is stitched
        #expect(row[0]["sessions_without_order"].int == 1)      // order 1 names session 1
        #expect(row[0]["frequency"].int == 1)
    }

    /// The files run as they ship: each parses and runs alone with simpleQuery (no psql
    /// meta-commands), and re-running replaces the schema.
    @Test func rerunningReplacesTheSchema() throws {
        let files = try ReferenceSQL.modelFiles().map(\.lastPathComponent)
        #expect(files.first == "000_params.sql")
        #expect(files.allSatisfy { $0.range(of: #"^\d{3}_[a-z0-9_]+\.sql$"#, options: .regularExpression) != nil })
        let run = try ReferenceRun(database: ReferenceSQL.makeDatabase(prefix: "reference_rerun", rows: "", parameters: .init()))
        defer { try? run.database.drop() }
        let connection = try ReferenceSQL.connect(run.database)
        defer { connection.close() }
        try connection.simpleQuery("set client_min_messages = warning")
        try ReferenceSQL.run(on: connection, parameters: .init())
        #expect(try run.value("select count(*)::text from segflow_reference.customer_features") == "0")
        // Nothing in segflow_reference depends on the source tables once the run is done.
        try connection.simpleQuery("drop table shop.sessions")
    }
}
