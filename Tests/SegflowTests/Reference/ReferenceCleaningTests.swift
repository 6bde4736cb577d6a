import PostgresClient
import Testing

/// The reference SQL's clean stage on the hand-made fixture: every rule puts the right row
/// in quarantine with the right reason, and keeps the right copy of duplicates.
/// Data: sql/reference/fixtures/shop_fixture.sql; parameters: ReferenceParameters.fixture.
@Suite("Reference SQL: clean")
struct ReferenceCleaningTests {
    struct Entry: Hashable, CustomStringConvertible {
        var source: String, key: String?, action: String, reason: String
        init(_ source: String, _ key: String?, _ action: String, _ reason: String) {
            (self.source, self.key, self.action, self.reason) = (source, key, action, reason)
        }
        var description: String { "\(source) \(key ?? "∅") \(action) \(reason)" }
    }

    /// Every quarantine row the fixture must produce, and nothing else.
    static let expectedQuarantine: [Entry] = [
        // customers: null id; three rows of 2 (latest updated_at, then greater email, wins);
        // two of 3 (same updated_at and email after normalisation: greater created_at wins);
        // test accounts by id, by exact email (' QA@Shop.Test ') and by domain ('Example.ORG');
        // no created_at; repairs keep the row. Customer 6 (created after T) is nowhere.
        .init("customers", nil, "rejected", "missing_key"),
        .init("customers", "2", "rejected", "duplicate"),
        .init("customers", "2", "rejected", "duplicate"),
        .init("customers", "3", "rejected", "duplicate"),
        .init("customers", "999", "rejected", "test_account"),
        .init("customers", "4", "rejected", "test_account"),
        .init("customers", "5", "rejected", "test_account"),
        .init("customers", "14", "rejected", "missing_value"),
        .init("customers", "8", "repaired", "invalid_email"),
        .init("customers", "9", "repaired", "invalid_country"),
        .init("customers", "9", "repaired", "invalid_birth_date"),
        .init("customers", "10", "repaired", "invalid_birth_date"),
        // products: null id; 'B-10' loses to 'B-2' (greater sku); negative list price.
        .init("products", nil, "rejected", "missing_key"),
        .init("products", "104", "rejected", "duplicate"),
        .init("products", "105", "rejected", "negative_amount"),
        .init("products", "106", "rejected", "duplicate"),           // 'Z-1' loses to ' Z-9' (trimmed 'Z-9')
        // fx_rates: null day; 'usd' 0.85 beats 'USD' 0.80 on 2024-06-01; zero, null and NaN rates.
        .init("fx_rates", nil, "rejected", "missing_key"),
        .init("fx_rates", "2024-06-01/USD", "rejected", "duplicate"),
        .init("fx_rates", "2024-06-15/GBP", "rejected", "invalid_value"),
        .init("fx_rates", "2024-06-16/GBP", "rejected", "invalid_value"),
        .init("fx_rates", "2024-06-20/CHF", "rejected", "invalid_value"),
        // orders, in the order of the checks. 9005, 2003 and 3005 are after T: nowhere.
        .init("orders", nil, "rejected", "missing_key"),
        .init("orders", "9019", "rejected", "missing_value"),        // null subtotal
        .init("orders", "9002", "rejected", "duplicate"),            // 'refunded' (latest, greater status) kept
        .init("orders", "9002", "rejected", "duplicate"),
        .init("orders", "9003", "rejected", "duplicate"),            // total 25 beats 20
        .init("orders", "9004", "rejected", "future_timestamp"),     // 21:50Z, run started 21:45Z
        .init("orders", "9006", "rejected", "orphan_customer"),      // no such customer
        .init("orders", "9007", "rejected", "orphan_customer"),      // test account 999
        .init("orders", "9008", "rejected", "orphan_customer"),      // customer 6 created after T
        .init("orders", "9010", "rejected", "invalid_status"),       // 'shipped'
        .init("orders", "9011", "rejected", "unknown_currency"),     // GBP before its first rate
        .init("orders", "9012", "rejected", "unknown_currency"),     // JPY never
        .init("orders", "9014", "rejected", "negative_amount"),      // discount_total -1
        .init("orders", "9015", "rejected", "negative_amount"),      // total -1
        .init("orders", "9016", "rejected", "absurd_amount"),        // 10000.01 EUR
        .init("orders", "9018", "rejected", "absurd_amount"),        // 12000 USD = 10200 EUR
        // order_items: (9005, 1) belongs to an order after T: nowhere.
        .init("order_items", "9003/", "rejected", "missing_key"),
        .init("order_items", "9009/6", "rejected", "missing_value"),
        .init("order_items", "9003/1", "rejected", "duplicate"),     // product 103 beats 101
        .init("order_items", "9010/1", "rejected", "orphan_order"),  // its order was rejected
        .init("order_items", "8888/1", "rejected", "orphan_order"),  // no such order
        .init("order_items", "9009/2", "rejected", "orphan_product"),// product 105 was rejected
        .init("order_items", "9009/5", "rejected", "orphan_product"),// no such product
        .init("order_items", "9009/3", "rejected", "negative_amount"),// quantity 0
        .init("order_items", "9009/4", "rejected", "negative_amount"),// discount -1
        // sessions: 312 and 329 are after T: nowhere.
        .init("sessions", nil, "rejected", "missing_key"),
        .init("sessions", "327", "rejected", "duplicate"),           // ended 10:20 beats 10:10
        .init("sessions", "328", "rejected", "future_timestamp"),
        .init("sessions", "320", "rejected", "bot"),                 // 600 page views
        .init("sessions", "321", "rejected", "bot"),                 // 60 page views in 30 s
        .init("sessions", "331", "rejected", "bot"),                 // 60 page views, no end
        .init("sessions", "324", "rejected", "orphan_customer"),
        .init("sessions", "325", "rejected", "orphan_customer"),
        .init("sessions", "326", "rejected", "negative_amount"),     // cart_adds -1
        .init("sessions", "346", "rejected", "negative_amount"),     // category_views -1
        .init("sessions", "342", "rejected", "bot"),
        .init("sessions", "347", "rejected", "orphan_customer"),     // test account 999
        // chats: 11 is after T: nowhere.
        .init("chats", nil, "rejected", "missing_key"),
        .init("chats", "9", "rejected", "duplicate"),                // ended 10:30 beats 10:00
        .init("chats", "10", "rejected", "future_timestamp"),
        .init("chats", "8", "rejected", "orphan_customer"),
        .init("chats", "5", "rejected", "invalid_value"),            // sentiment 1.5
        .init("chats", "6", "rejected", "invalid_value"),            // csat 0
        .init("chats", "7", "rejected", "invalid_value"),            // questions -1
        .init("chats", "12", "rejected", "invalid_value"),           // sentiment NaN
        .init("chats", "14", "rejected", "invalid_value"),           // agent_messages -1
    ]

    @Test func quarantineHoldsExactlyTheExpectedRows() throws {
        let run = try ReferenceRun.sharedFixture()
        let actual = try run.rows("select source, source_key, action, reason from segflow_reference.quarantine").map {
            Entry($0["source"]!!, $0["source_key"]!, $0["action"]!!, $0["reason"]!!)
        }
        let sort: (Entry, Entry) -> Bool = { $0.description < $1.description }
        #expect(actual.sorted(by: sort) == Self.expectedQuarantine.sorted(by: sort))
    }

    /// Rows in the snapshot = rows kept + rows rejected, per source.
    @Test(arguments: [
        ("customers", "shop.customers where created_at < (select cutoff from segflow_reference.params) or created_at is null"),
        ("products", "shop.products"),
        ("fx_rates", "shop.fx_rates"),
        ("orders", "shop.orders where placed_at < (select cutoff from segflow_reference.params) or placed_at is null"),
        ("order_items", "shop.order_items where order_id is distinct from 9005"),   // 9005: after T
        ("sessions", "shop.sessions where started_at < (select cutoff from segflow_reference.params) or started_at is null"),
        ("chats", "shop.chats where started_at < (select cutoff from segflow_reference.params) or started_at is null"),
    ])
    func rowsInEqualKeptPlusRejected(source: String, snapshotRows: String) throws {
        let run = try ReferenceRun.sharedFixture()
        let rowsIn = try run.value(PostgresQuery(unsafeSQL: "select count(*) from \(snapshotRows)"))
        let kept = try run.value(PostgresQuery(unsafeSQL: "select count(*) from segflow_reference.stg_\(source)"))
        let rejected = try run.value("select count(*) from segflow_reference.quarantine where source = \(source) and action = 'rejected'")
        #expect(Int(rowsIn ?? "") == Int(kept ?? "")! + Int(rejected ?? "")!, "\(source)")
    }

    @Test func duplicatesKeepTheRightCopy() throws {
        let run = try ReferenceRun.sharedFixture()
        #expect(try run.value("select city from segflow_reference.stg_customers where customer_id = 2") == "Keep")
        #expect(try run.value("select city from segflow_reference.stg_customers where customer_id = 3") == "Newer")
        #expect(try run.value("select sku from segflow_reference.stg_products where product_id = 104") == "B-2")
        #expect(try run.value("select rate::text from segflow_reference.stg_fx_rates where currency = 'USD' and day = '2024-06-01'") == "0.85000000")
        #expect(try run.value("select status from segflow_reference.stg_orders where order_id = 9002") == "refunded")
        #expect(try run.value("select total::text from segflow_reference.stg_orders where order_id = 9003") == "25.00")
        #expect(try run.value("select product_id::text from segflow_reference.stg_order_items where order_id = 9003 and line_no = 1") == "103")
        #expect(try run.value("select product_views::text from segflow_reference.stg_sessions where session_id = 327") == "9")
        #expect(try run.value("select customer_messages::text from segflow_reference.stg_chats where chat_id = 9") == "2")
    }

    @Test func normalisationAndRepairs() throws {
        let run = try ReferenceRun.sharedFixture()
        let customers = try run.rows("""
            select customer_id::text, email, country, city, birth_date::text, newsletter_opt_in::text, acquisition_channel
            from segflow_reference.stg_customers where customer_id in (1, 3, 8, 9, 10, 15)
            """)
        let byID = Dictionary(uniqueKeysWithValues: customers.map { ($0["customer_id"]!!, $0) })
        #expect(byID["1"]?["acquisition_channel"] == "social")          // ' Social '
        #expect(byID["3"]?["email"] == "d@shop.io")                     // ' D@shop.io'
        #expect(byID["8"]?["email"] == .some(nil))                       // 'not-an-email'
        #expect(byID["8"]?["country"] == "DE")                           // 'Germany'
        #expect(byID["8"]?["city"] == "Berlin")                          // '  Berlin '
        #expect(byID["9"]?["country"] == .some(nil))                     // 'Narnia'
        #expect(byID["9"]?["birth_date"] == .some(nil))                  // after D
        #expect(byID["10"]?["country"] == "DE")                          // ' de '
        #expect(byID["10"]?["birth_date"] == .some(nil))                 // more than 120 years before D
        #expect(byID["15"]?["country"] == "US")                          // 'usa'
        #expect(byID["15"]?["newsletter_opt_in"] == "false")             // null
        // The quarantine keeps the value before the repair.
        #expect(try run.value("select detail from segflow_reference.quarantine where source_key = '8'") == "not-an-email")
        #expect(try run.value("select detail from segflow_reference.quarantine where source_key = '10'") == "1900-01-01")
        // Statuses and currencies are normalised before they are checked.
        #expect(try run.value("select status || ' ' || currency from segflow_reference.stg_orders where order_id = 9009") == "completed EUR")
        #expect(try run.value("select channel || ' ' || device from segflow_reference.stg_sessions where session_id = 301") == "organic mobile")
        #expect(try run.value("select visitor_id from segflow_reference.stg_sessions where session_id = 302") == "v-sam")
    }

    @Test func exchangeRates() throws {
        let run = try ReferenceRun.sharedFixture()
        // 10.10 USD at 0.85 = 8.585: half away from zero gives 8.59 (half to even would give 8.58).
        #expect(try run.value("select rate::text || ' ' || net_revenue::text from segflow_reference.stg_orders where order_id = 1003")
                == "0.85000000 8.59")
        // GBP on 2024-06-20: the newest valid rate on or before the day is 2024-06-10's 1.17
        // (the zero and null rates of the 15th and 16th were rejected).
        #expect(try run.value("select rate::text || ' ' || net_revenue::text from segflow_reference.stg_orders where order_id = 9013")
                == "1.17000000 11.70")
        // The base currency converts at 1 without any fx_rates row.
        #expect(try run.value("select rate::text from segflow_reference.stg_orders where order_id = 1001") == "1")
        // Exactly max_order_total is not absurd.
        #expect(try run.value("select status from segflow_reference.stg_orders where order_id = 9017") == "pending")
    }
}
