import Foundation
import PostgresClient
import SegflowTestSupport
import Testing
@testable import SegflowGenerator

/// Checks on clean generated data (8,000 customers, seed 42).
@Suite("Generated clean data")
struct GeneratedDataTests {
    var data: GeneratedDatabase {
        get throws { try SharedDatasets.clean.get() }
    }

    @Test func personaMixMatchesTheConfiguredShares() throws {
        let data = try data
        let rows = try data.rows("select persona, count(*) from shop_truth.customer_personas group by 1")
        let counts = Dictionary(uniqueKeysWithValues: rows.map { ($0[0]!, Int($0[1]!)!) })
        let total = Double(data.configuration.customers)
        #expect(counts.values.reduce(0, +) == data.configuration.customers)
        for (persona, share) in PersonaMix.standard.normalized where share > 0.01 {
            let observed = Double(counts[persona.rawValue] ?? 0) / total
            // Binomial standard error at n = 8,000 is at most 0.56 pp; allow about four.
            #expect(abs(observed - share) < 0.022, "\(persona.rawValue): \(observed) vs \(share)")
        }
        #expect(data.report.personaCounts.values.reduce(0, +) == data.configuration.customers)
    }

    @Test func averagesPerCustomerAreNear20Sessions5Orders12LinesAnd1Chat() throws {
        let data = try data
        let customers = Double(try data.int("select count(*) from shop.customers"))
        #expect(customers == 8_000)
        let sessions = Double(try data.int("select count(*) from shop.sessions")) / customers
        let orders = Double(try data.int("select count(*) from shop.orders")) / customers
        let lines = Double(try data.int("select count(*) from shop.order_items")) / customers
        let chats = Double(try data.int("select count(*) from shop.chats")) / customers
        #expect(abs(sessions - 20) < 2, "sessions per customer: \(sessions)")
        #expect(abs(orders - 5) < 0.6, "orders per customer: \(orders)")
        #expect(abs(lines - 12) < 1.5, "order lines per customer: \(lines)")
        #expect(abs(chats - 1) < 0.2, "chats per customer: \(chats)")
        #expect(data.report.rows(.sessions) == Int(sessions * customers))
    }

    @Test func orderTotalsAreConsistentWithTheirLines() throws {
        let data = try data
        #expect(try data.int("select count(*) from shop.orders where total <> subtotal - discount_total + shipping_total + tax_total") == 0)
        #expect(try data.int("""
            select count(*) from shop.orders o join (
              select order_id, sum(quantity * unit_price) as lines from shop.order_items group by 1) i using (order_id)
            where o.subtotal <> i.lines
            """) == 0)
        #expect(try data.int("select count(*) from shop.order_items where discount <> (list_price - unit_price) * quantity") == 0)
        #expect(try data.int("""
            select count(*) from shop.orders
            where subtotal < 0 or discount_total < 0 or shipping_total < 0 or tax_total < 0 or discount_total > subtotal
            """) == 0)
        #expect(try data.int("select count(*) from shop.order_items where quantity < 1 or unit_price > list_price or unit_price <= 0") == 0)
        // Every order has lines; currency follows the shipping country.
        #expect(try data.int("select count(*) from shop.orders where order_id not in (select order_id from shop.order_items)") == 0)
        #expect(try data.int("""
            select count(distinct currency) from shop.orders where shipping_country in ('DE', 'FR', 'IT') and currency <> 'EUR'
            """) == 0)
        #expect(try data.int("select count(*) from shop.orders where shipping_country = 'GB' and currency <> 'GBP'") == 0)
    }

    @Test func mostOrdersAreCompletedAndTheRestCancelledRefundedOrPending() throws {
        let data = try data
        let rows = try data.rows("select status, count(*) from shop.orders group by 1")
        let counts = Dictionary(uniqueKeysWithValues: rows.map { ($0[0]!, Double($0[1]!)!) })
        let total = counts.values.reduce(0, +)
        #expect(Set(counts.keys).isSubset(of: ["completed", "cancelled", "refunded", "pending"]))
        #expect((counts["completed"] ?? 0) / total > 0.85)
        #expect((counts["cancelled"] ?? 0) > 0 && (counts["refunded"] ?? 0) > 0 && (counts["pending"] ?? 0) > 0)
    }

    @Test func cleanDataHasNoOrphans() throws {
        let data = try data
        #expect(try data.int("select count(*) from shop.orders where customer_id not in (select customer_id from shop.customers)") == 0)
        #expect(try data.int("select count(*) from shop.orders where session_id not in (select session_id from shop.sessions)") == 0)
        #expect(try data.int("select count(*) from shop.order_items where order_id not in (select order_id from shop.orders)") == 0)
        #expect(try data.int("select count(*) from shop.order_items where product_id not in (select product_id from shop.products)") == 0)
        #expect(try data.int("select count(*) from shop.sessions where customer_id not in (select customer_id from shop.customers)") == 0)
        #expect(try data.int("select count(*) from shop.sessions where cart_product_id not in (select product_id from shop.products)") == 0)
        #expect(try data.int("select count(*) from shop.chats where customer_id not in (select customer_id from shop.customers)") == 0)
        #expect(try data.int("select count(*) from shop.chats where session_id not in (select session_id from shop.sessions)") == 0)
        // An order's session is the customer's (logged in when the order was placed).
        #expect(try data.int("""
            select count(*) from shop.orders o join shop.sessions s using (session_id)
            where s.customer_id is distinct from o.customer_id or o.placed_at not between s.started_at and s.ended_at
            """) == 0)
    }

    @Test func cleanDataHasNoDuplicateKeys() throws {
        let data = try data
        for (table, key) in [("shop.customers", "customer_id"), ("shop.products", "product_id"), ("shop.sessions", "session_id"),
                             ("shop.orders", "order_id"), ("shop.order_items", "order_id, line_no"), ("shop.chats", "chat_id"),
                             ("shop.fx_rates", "day, currency"), ("shop_truth.customer_personas", "customer_id")] {
            #expect(try data.int("select count(*) from (select \(key) from \(table) group by \(key) having count(*) > 1) d") == 0, "\(table)")
        }
    }

    @Test func cleanDataHasNoTimestampsAfterTheEndDay() throws {
        let data = try data
        let cutoff = "(select (end_day + 1)::timestamp at time zone 'UTC' from shop_truth.generation)"
        let checks = [
            "shop.customers where created_at >= \(cutoff) or updated_at >= \(cutoff) or updated_at < created_at",
            "shop.sessions where ended_at >= \(cutoff) or ended_at < started_at",
            "shop.orders where placed_at >= \(cutoff) or updated_at >= \(cutoff) or updated_at < placed_at",
            "shop.chats where ended_at >= \(cutoff) or ended_at < started_at",
            "shop.products where launched_at >= \(cutoff)",
        ]
        for check in checks {
            #expect(try data.int("select count(*) from \(check)") == 0, "\(check)")
        }
        // …and nothing before the start of the span.
        #expect(try data.int("""
            select count(*) from shop.sessions where started_at < (select (end_day - 365 * years + 1)::timestamp at time zone 'UTC' from shop_truth.generation)
            """) == 0)
    }

    @Test func cleanDataHasValidValues() throws {
        let data = try data
        #expect(try data.int("select count(*) from shop.customers where country !~ '^[A-Z]{2}$' or email !~ '^[a-z0-9._]+@[a-z0-9.-]+\\.[a-z]+$'") == 0)
        #expect(try data.int("select count(*) from shop.sessions where page_views > 200 or page_views < 1 or product_views > page_views") == 0)
        #expect(try data.int("select count(*) from shop.chats where sentiment not between -1 and 1 or csat not between 1 and 5") == 0)
        #expect(try data.int("select count(*) from shop.orders where currency not in ('EUR', 'USD', 'GBP', 'SEK', 'PLN', 'CHF')") == 0)
        #expect(try data.int("select count(*) from shop_truth.injected_defects") == 0)
        #expect(try data.int("select count(*) from shop.customers where is_internal") == data.report.personaCounts[.testAccount] ?? 0)
    }

    @Test func fxRatesCoverEveryDayOfTheSpanForSixCurrencies() throws {
        let data = try data
        let days = 365 * data.configuration.years
        #expect(try data.int("select count(distinct currency) from shop.fx_rates") == 6)
        #expect(try data.int("""
            select count(*) from generate_series((select end_day - \(days - 1) from shop_truth.generation), (select end_day from shop_truth.generation), interval '1 day') d
            where (select count(*) from shop.fx_rates r where r.day = d::date) <> 6
            """) == 0)
        #expect(try data.int("select count(*) from shop.fx_rates where currency = 'EUR' and rate_to_base <> 1") == 0)
        // A smooth walk: no day moves a rate by more than 3 %.
        #expect(try data.int("""
            select count(*) from (select rate_to_base / lag(rate_to_base) over (partition by currency order by day) as change from shop.fx_rates) x
            where change not between 0.97 and 1.03
            """) == 0)
    }

    @Test func anonymousSessionsOfAVisitorPrecedeItsFirstLogin() throws {
        let data = try data
        // Visitors that browsed anonymously and later logged in.
        let stitched = try data.int("""
            select count(*) from (
              select visitor_id from shop.sessions group by 1
              having bool_or(customer_id is null) and bool_or(customer_id is not null)
                 and min(started_at) filter (where customer_id is null) < min(started_at) filter (where customer_id is not null)) v
            """)
        #expect(stitched > 1_000)
        // A visitor never logs into two customers, and nobody is logged in before signing up.
        #expect(try data.int("select count(*) from (select visitor_id from shop.sessions group by 1 having count(distinct customer_id) > 1) v") == 0)
        #expect(try data.int("""
            select count(*) from shop.sessions s join shop.customers c using (customer_id) where s.ended_at < c.created_at
            """) == 0)
        #expect(try data.int("select count(*) from shop.orders o join shop.customers c using (customer_id) where o.placed_at < c.created_at") == 0)
        #expect(try data.int("select count(*) from shop.chats h join shop.customers c using (customer_id) where h.started_at < c.created_at") == 0)
        // Visitors who never sign up exist too.
        #expect(try data.int("select count(*) from (select visitor_id from shop.sessions group by 1 having bool_and(customer_id is null)) v") > 1_000)
    }

    @Test func trafficHasWeekendAndDecemberPeaks() throws {
        let data = try data
        let weekend = try data.double("""
            select avg(n) filter (where dow in (0, 6)) / avg(n) filter (where dow in (1, 2, 3)) from (
              select extract(dow from started_at at time zone 'UTC') as dow, (started_at at time zone 'UTC')::date as day, count(*) as n
              from shop.sessions group by 1, 2) d
            """)
        #expect(weekend > 1.15)
        let december = try data.double("""
            select avg(n) filter (where month = 12) / avg(n) filter (where month in (2, 3)) from (
              select extract(month from placed_at) as month, (placed_at at time zone 'UTC')::date as day, count(*) as n
              from shop.orders group by 1, 2) d
            """)
        #expect(december > 1.3)
    }

    @Test func spendIsHeavyTailed() throws {
        let data = try data
        // The top 10 % of buyers bring well over a third of the revenue.
        let share = try data.double("""
            with spend as (select customer_id, sum(subtotal - discount_total) as value from shop.orders where status = 'completed' and currency = 'EUR' group by 1),
                 ranked as (select value, ntile(10) over (order by value desc) as decile from spend)
            select sum(value) filter (where decile = 1) / sum(value) from ranked
            """)
        #expect(share > 0.35, "top decile share \(share)")
    }

    @Test func personasAreRecoverableFromFeaturesWithPrecisionAndRecallAbove90Percent() throws {
        let data = try data
        let connection = try data.connect()
        defer { connection.close() }
        try connection.simpleQuery(PersonaRecoverySQL.features)
        let result = try connection.execute(PostgresQuery(unsafeSQL: PersonaRecoverySQL.evaluation))
        var seen = Set<String>()
        for row in result.rows {
            let rule = row["rule"].string ?? "?"
            seen.insert(rule)
            let precision = row["precision"].double ?? 0
            let recall = row["recall"].double ?? 0
            #expect(precision >= 0.9, "\(rule): precision \(precision)")
            #expect(recall >= 0.9, "\(rule): recall \(recall)")
        }
        let expected = Set(Persona.allCases.filter { $0 != .regular && $0 != .testAccount }.map(\.rawValue) + ChatStyle.allCases.map(\.rawValue))
        #expect(seen == expected)
    }
}
