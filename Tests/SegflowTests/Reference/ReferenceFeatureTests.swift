import Foundation
import Testing
@testable import SegflowEngine

/// customer_features of the reference SQL: the columns, and values computed by hand for the
/// fixture's customers (see the comments in sql/reference/fixtures/shop_fixture.sql).
@Suite("Reference SQL: features")
struct ReferenceFeatureTests {
    @Test func columnsAreTheCatalogInOrderWithItsTypes() throws {
        let run = try ReferenceRun.sharedFixture()
        let columns = try run.rows("""
            select column_name, data_type, numeric_precision::text, numeric_scale::text
            from information_schema.columns
            where table_schema = 'segflow_reference' and table_name = 'customer_features'
            order by ordinal_position
            """)
        let expectedNames = ["as_of", "customer_id"] + FeatureCatalog.built.map(\.name)
        #expect(columns.map { $0["column_name"]!! } == expectedNames)
        #expect(columns.first?["data_type"] == "date")
        #expect(columns.dropFirst().first?["data_type"] == "bigint")
        for (feature, column) in zip(FeatureCatalog.built, columns.dropFirst(2)) {
            let type = column["data_type"]!!
            switch feature.kind {
            case .integer: #expect(type == "integer", "\(feature.name)")
            case .real: #expect(type == "double precision", "\(feature.name)")
            case .money:
                #expect(type == "numeric", "\(feature.name)")
                #expect(column["numeric_precision"] == "14" && column["numeric_scale"] == "2", "\(feature.name)")
            case .date: #expect(type == "date", "\(feature.name)")
            case .text: #expect(type == "text", "\(feature.name)")
            case .boolean: #expect(type == "boolean", "\(feature.name)")
            }
        }
    }

    @Test func countryNamesAreTheEngines() throws {
        let run = try ReferenceRun.sharedFixture()
        let rows = try run.rows("select name, code from segflow_reference.seed_country_names")
        let seed = Dictionary(uniqueKeysWithValues: rows.map { ($0["name"]!!, $0["code"]!!) })
        #expect(seed == TextNormalization.countryNames)
    }

    @Test func oneRowPerKeptCustomerCreatedBeforeTheCutoff() throws {
        let run = try ReferenceRun.sharedFixture()
        let ids = try run.column("select customer_id::text as id from segflow_reference.customer_features order by customer_id").compactMap { $0 }
        // Not 4, 5, 999 (test accounts), 6 (created after T), 14 (no created_at).
        #expect(ids == ["1", "2", "3", "7", "8", "9", "10", "11", "12", "13", "15", "20", "21", "22", "23", "30", "31", "32", "33", "40"])
        #expect(try run.value("select distinct as_of::text from segflow_reference.customer_features") == "2024-06-30")
    }

    /// Alice: five purchases in EUR and USD, products, discounts, chats; no sessions.
    @Test func alice() throws {
        let run = try ReferenceRun.sharedFixture()
        var expected = FeatureExpectation()
        expected.text = [
            // Purchases: 1001 (90.00), 1002 (50.00), 1003 (10.10 USD -> 8.59), 1004 (20.00), 1007 (27.00).
            "recency_days": "2", "frequency": "5", "monetary": "195.59", "aov": "39.12",
            "first_order_date": "2023-06-01", "last_order_date": "2024-06-28",
            "tenure_days": "532",                                   // since 2023-01-15
            "orders_30d": "3", "orders_90d": "4", "orders_365d": "4",
            "monetary_30d": "55.59", "monetary_90d": "105.59", "monetary_365d": "105.59",
            "cancelled_orders": "1", "refunded_orders": "1",
            "sessions_total": "0", "sessions_30d": "0", "sessions_90d": "0", "days_since_last_visit": nil,
            "sessions_without_order": "0", "product_views_90d": "0", "cart_adds_90d": "0",
            "cart_abandonments_90d": "0", "last_abandoned_category": nil, "preferred_channel": nil,
            "chats": "2", "chats_90d": "1", "customer_messages": "10", "min_csat": "4", "escalations": "1",
            // running: 100 + 15 + 30 = 145; basics: 50 + 8.59
            "top_product_line": "running", "distinct_categories": "3",
            // purchase days 2023-06-01, 2024-04-10, 2024-06-05 (two orders), 2024-06-28:
            // gaps 314, 56, 23; median 56
            "next_expected_order_date": "2024-08-23", "days_until_next_order": "54",
            "country": "DE", "city": "Hamburg", "newsletter_opt_in": "t", "acquisition_channel": "social",
            "age_band": "25-34",                                    // 33: born 1990-07-01
            "r_score": "4", "f_score": "4", "m_score": "5", "rfm_score": "445",
            "btyd_frequency": "3", "btyd_recency": "393", "btyd_t": "395",
        ]
        expected.real = [
            "discounted_order_share": 4.0 / 5.0,                    // all but 1003
            "avg_discount_rate": (0.1 + 0 + 0 + 0 + 0.1) / 5,
            "full_price_order_share": 1.0 / 5.0,
            "questions_per_chat": 1.5, "messages_per_chat": 5, "avg_csat": 4, "avg_sentiment": 0.125,
            "escalation_rate": 0.5,
            "top_product_line_share": 14500.0 / 20359.0,
            "new_launch_item_share": 1.0 / 6.0,                     // 1003's sock, 4 days after launch
            "replenishable_item_share": 3.0 / 6.0,
            "median_days_between_orders": 56,
            "btyd_monetary_value": 10559.0 / 300.0,                 // (50 + 28.59 + 27) / 3
        ]
        expected.tolerance = 1e-15
        expected.check(try run.features(1), customer: 1)
    }

    /// Sam: sessions before and after stitching, attribution, abandoned carts, a chat by visitor.
    @Test func sam() throws {
        let run = try ReferenceRun.sharedFixture()
        var expected = FeatureExpectation()
        expected.text = [
            "recency_days": "4", "frequency": "2", "monetary": "100.00", "aov": "50.00",
            "cancelled_orders": "1", "refunded_orders": "0",
            // 301-310 (v-sam), 314 (own login), 315 (anonymous v-shared)
            "sessions_total": "12", "sessions_30d": "9", "sessions_90d": "11", "days_since_last_visit": "0",
            // 303, 306, 307, 308 have orders
            "sessions_without_order": "8", "product_views_90d": "23", "cart_adds_90d": "7",
            // 301, 308, 309 (310 is older than 90 days); the latest is 309's socks
            "cart_abandonments_90d": "3", "last_abandoned_category": "socks",
            // email 5 (302, 303, 307, 309, 310) and paid 5 (304, 305, 306, 308, 315): alphabetical
            "preferred_channel": "email",
            // chat 3 by visitor v-sam
            "chats": "1", "chats_90d": "1", "customer_messages": "3", "min_csat": "2", "escalations": "0",
            "top_product_line": "running", "distinct_categories": "2",
            "next_expected_order_date": "2024-07-12", "days_until_next_order": "12",
            "rfm_score": "314", "btyd_frequency": "1", "btyd_recency": "16", "btyd_t": "20",
        ]
        expected.real = [
            "questions_per_chat": 3, "messages_per_chat": 3, "avg_csat": 2, "avg_sentiment": nil, "escalation_rate": 0,
            "top_product_line_share": 0.6, "new_launch_item_share": 0.5, "replenishable_item_share": 0.5,
            "median_days_between_orders": 16, "btyd_monetary_value": 60,
        ]
        expected.check(try run.features(30), customer: 30)
    }

    /// Tia: what session and chat cleaning leaves; null counters count as 0.
    @Test func tia() throws {
        let run = try ReferenceRun.sharedFixture()
        var expected = FeatureExpectation()
        expected.text = [
            // 313 (2024-05-01), 322 (60 page views in 2 minutes is no bot), 327 (kept copy), 332 (null counters)
            "sessions_total": "4", "sessions_30d": "3", "sessions_90d": "4", "days_since_last_visit": "25",
            "sessions_without_order": "4", "product_views_90d": "11", "cart_adds_90d": "0",
            // 9 (kept copy: 2 messages) and 13 (null counters)
            "chats": "2", "customer_messages": "2", "min_csat": "3", "escalations": "0",
            "frequency": "0", "monetary": "0.00", "aov": nil, "recency_days": nil, "rfm_score": nil,
            "btyd_frequency": nil, "btyd_monetary_value": nil,
        ]
        expected.real = ["questions_per_chat": 0.5, "messages_per_chat": 1, "avg_csat": 3, "avg_sentiment": 0, "escalation_rate": 0]
        expected.check(try run.features(31), customer: 31)
    }

    @Test func profiles() throws {
        let run = try ReferenceRun.sharedFixture()
        let rows = try run.rows("select customer_id::text, tenure_days::text, age_band, country, newsletter_opt_in::text from segflow_reference.customer_features")
        let byID = Dictionary(uniqueKeysWithValues: rows.map { ($0["customer_id"]!!, $0) })
        #expect(byID["7"]?["tenure_days"] == "0")          // signed up at 23:30 local on D
        #expect(byID["11"]?["age_band"] == "65+")          // born exactly 120 years before D: kept, 120
        #expect(byID["12"]?["age_band"] == "25-34")        // 25th birthday on D
        #expect(byID["13"]?["age_band"] == "<25")          // 25th birthday the day after D
        #expect(byID["9"]?["age_band"] == .some(nil))      // birth date repaired to null
        #expect(byID["15"]?["newsletter_opt_in"] == "false")
    }

    /// Median gaps and BTYD: same-day purchases merge, even counts average the middle gaps,
    /// the median rounds half away from zero.
    @Test func timingAndBTYD() throws {
        let run = try ReferenceRun.sharedFixture()
        var even = FeatureExpectation()
        // Purchase days 01-01, 01-11 (two orders: 10 + 5), 01-14, 02-13, 02-20.
        even.text = [
            "frequency": "6", "monetary": "55.00", "aov": "9.17",
            "next_expected_order_date": "2024-02-29", "days_until_next_order": "-122",   // 02-20 + round(8.5) = 9
            "btyd_frequency": "4", "btyd_recency": "50", "btyd_t": "181",
        ]
        even.real = ["median_days_between_orders": 8.5, "btyd_monetary_value": 11.25]   // gaps 3, 7, 10, 30
        even.check(try run.features(21), customer: 21)

        var once = FeatureExpectation()
        once.text = ["frequency": "1", "btyd_frequency": "0", "btyd_recency": "0", "btyd_t": "121",
                     "next_expected_order_date": nil, "days_until_next_order": nil]
        once.real = ["median_days_between_orders": nil, "btyd_monetary_value": 0]
        once.check(try run.features(22), customer: 22)

        var never = FeatureExpectation()
        never.text = ["frequency": "0", "monetary": "0.00", "first_order_date": nil, "btyd_frequency": nil,
                      "btyd_recency": nil, "btyd_t": nil, "distinct_categories": "0", "top_product_line": nil]
        never.real = ["btyd_monetary_value": nil, "discounted_order_share": nil, "avg_discount_rate": nil,
                      "new_launch_item_share": nil, "median_days_between_orders": nil]
        never.check(try run.features(23), customer: 23)

        var olga = FeatureExpectation()
        // 9003 (25.00, 06-01), 9009 (15.00, 06-02), 9013 (10 GBP = 11.70, 06-20): gaps 1, 18.
        olga.text = ["frequency": "3", "monetary": "51.70", "refunded_orders": "1",
                     "next_expected_order_date": "2024-06-30", "btyd_frequency": "2"]
        olga.real = ["median_days_between_orders": 9.5, "btyd_monetary_value": 2670.0 / 200.0]
        olga.check(try run.features(40), customer: 40)
    }

    /// RFM among the fixture's seven buyers; 20, 30 and 32 tie on frequency and share the rank.
    /// score = 1 + 5 * (rank - 1) / 7 (integer division): ranks 1..7 score 1 1 2 3 3 4 5.
    @Test func rfmScoresOfTheFixture() throws {
        let run = try ReferenceRun.sharedFixture()
        let rows = try run.rows("select customer_id::text, rfm_score from segflow_reference.customer_features where frequency > 0")
        let scores = Dictionary(uniqueKeysWithValues: rows.map { ($0["customer_id"]!!, $0["rfm_score"]!!) })
        // recency 131 (21), 121 (22), 18 (32), 10 (40), 4 (30), 2 (1), 0 (20), descending
        //   -> 21: 1, 22: 1, 32: 2, 40: 3, 30: 3, 1: 4, 20: 5
        // frequency 1 (22), 2 (20, 30, 32: all rank 2), 3 (40: rank 5), 5 (1), 6 (21)
        //   -> 22, 20, 30, 32: 1, 40: 3, 1: 4, 21: 5
        // monetary 12.34 (22), 30 (20), 50 (32), 51.70 (40), 55 (21), 100 (30), 195.59 (1)
        //   -> 22: 1, 20: 1, 32: 2, 40: 3, 21: 3, 30: 4, 1: 5
        #expect(scores == ["1": "445", "20": "511", "21": "153", "22": "111", "30": "314", "32": "212", "40": "333"])
    }

    /// Uma and Vic: trimmed visitor ids, stitching from kept sessions only, the most recent
    /// abandoned cart even when older than 90 days, a sku compared after trimming, an order
    /// with source rows before and after T.
    @Test func umaAndVic() throws {
        let run = try ReferenceRun.sharedFixture()
        var uma = FeatureExpectation()
        uma.text = [
            // 3202 (20.00, 2024-06-10; its second row is after T) and 3201 (30.00, 2024-06-12)
            "frequency": "2", "monetary": "50.00", "recency_days": "18",
            // 345 (2024-03-01), 341, 340 (' v-uma '), 343, 344 (v-bot); 346 was rejected
            "sessions_total": "5", "sessions_30d": "2", "sessions_90d": "4", "days_since_last_visit": "20",
            "sessions_without_order": "4",                             // 3202 -> 340
            "cart_abandonments_90d": "0", "last_abandoned_category": "socks",
            "chats": "0",                                              // chat 14 was rejected
            // 3201: product 106 kept as ' Z-9' (winter, gloves); 3202: 101 (running, shoes)
            "top_product_line": "winter", "distinct_categories": "2",
        ]
        uma.real = ["top_product_line_share": 0.6]
        uma.check(try run.features(32), customer: 32)

        var vic = FeatureExpectation()
        vic.text = ["sessions_total": "0", "days_since_last_visit": nil, "preferred_channel": nil]
        vic.check(try run.features(33), customer: 33)
    }
}
