import Foundation
import SegflowTestSupport
import Testing
@testable import SegflowGenerator

/// Checks on dirty generated data (5,000 customers, 3 % defective rows).
@Suite("Generated dirty data")
struct DirtyDataTests {
    var data: GeneratedDatabase {
        get throws { try SharedDatasets.dirty.get() }
    }

    /// For each (table, defect): a condition on the rows with the recorded key that holds when
    /// the defect is really there. `d.key` is the recorded key; `cutoff` the end of the data.
    static let presence: [String: [String: String]] = [
        "customers": [
            "duplicate_older": "(select count(distinct updated_at) from shop.customers c where c.customer_id = d.key::int8) >= 2",
            "duplicate_newer": "(select count(distinct updated_at) from shop.customers c where c.customer_id = d.key::int8) >= 2",
            "malformed_email": "exists (select 1 from shop.customers c where c.customer_id = d.key::int8 and lower(trim(c.email)) !~ '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$')",
            "bad_country": "exists (select 1 from shop.customers c where c.customer_id = d.key::int8 and c.country !~ '^[A-Z]{2}$')",
            "padded_text": """
                exists (select 1 from shop.customers c where c.customer_id = d.key::int8 and (c.city <> trim(c.city)
                  or c.acquisition_channel <> lower(trim(c.acquisition_channel)) or c.email <> lower(trim(c.email))))
                """,
            "future_timestamp": "exists (select 1 from shop.customers c where c.customer_id = d.key::int8 and c.updated_at > cutoff + interval '5 years')",
            "invalid_birth_date": """
                exists (select 1 from shop.customers c where c.customer_id = d.key::int8
                  and (c.birth_date > cutoff::date or c.birth_date < cutoff::date - interval '120 years'))
                """,
        ],
        "products": [
            "duplicate": "(select count(*) from shop.products p where p.product_id = d.key::int8) >= 2",
            "negative_amount": "exists (select 1 from shop.products p where p.product_id = d.key::int8 and p.list_price < 0)",
            "padded_text": """
                exists (select 1 from shop.products p where p.product_id = d.key::int8 and (p.category <> trim(p.category)
                  or p.product_line <> trim(p.product_line) or p.category = upper(p.category) or p.product_line = upper(p.product_line)))
                """,
        ],
        "sessions": [
            "duplicate": "(select count(*) from shop.sessions s where s.session_id = d.key::int8) >= 2",
            "bot_session": """
                exists (select 1 from shop.sessions s where s.session_id = d.key::int8 and s.page_views > 500
                  and s.ended_at - s.started_at < interval '60 seconds')
                """,
            "future_timestamp": "exists (select 1 from shop.sessions s where s.session_id = d.key::int8 and s.started_at > cutoff + interval '5 years')",
            "orphan_customer": """
                exists (select 1 from shop.sessions s where s.session_id = d.key::int8
                  and s.customer_id not in (select customer_id from shop.customers))
                """,
            "bad_country": "exists (select 1 from shop.sessions s where s.session_id = d.key::int8 and s.country !~ '^[A-Z]{2}$')",
            "padded_text": """
                exists (select 1 from shop.sessions s where s.session_id = d.key::int8
                  and (s.channel <> lower(trim(s.channel)) or s.device <> lower(trim(s.device))))
                """,
            "negative_amount": "exists (select 1 from shop.sessions s where s.session_id = d.key::int8 and (s.page_views < 0 or s.cart_adds < 0))",
        ],
        "orders": [
            "duplicate_older": "(select count(distinct updated_at) from shop.orders o where o.order_id = d.key::int8) >= 2",
            "duplicate_newer": "(select count(distinct updated_at) from shop.orders o where o.order_id = d.key::int8) >= 2",
            "orphan_customer": """
                exists (select 1 from shop.orders o where o.order_id = d.key::int8 and o.customer_id not in (select customer_id from shop.customers))
                """,
            "negative_amount": "exists (select 1 from shop.orders o where o.order_id = d.key::int8 and (o.subtotal < 0 or o.total < 0))",
            "absurd_amount": "exists (select 1 from shop.orders o where o.order_id = d.key::int8 and o.subtotal >= 1000000)",
            "future_timestamp": "exists (select 1 from shop.orders o where o.order_id = d.key::int8 and o.placed_at > cutoff + interval '5 years')",
            "unknown_currency": "exists (select 1 from shop.orders o where o.order_id = d.key::int8 and o.currency = 'XXX')",
            "padded_text": "exists (select 1 from shop.orders o where o.order_id = d.key::int8 and o.status <> lower(trim(o.status)))",
            "bad_country": "exists (select 1 from shop.orders o where o.order_id = d.key::int8 and o.shipping_country !~ '^[A-Z]{2}$')",
        ],
        "order_items": [
            "duplicate": """
                (select count(*) from shop.order_items i where i.order_id = split_part(d.key, '/', 1)::int8
                  and i.line_no = split_part(d.key, '/', 2)::int4) >= 2
                """,
            "orphan_order": """
                exists (select 1 from shop.order_items i where i.order_id = split_part(d.key, '/', 1)::int8
                  and i.order_id not in (select order_id from shop.orders))
                """,
            "orphan_product": """
                exists (select 1 from shop.order_items i where i.order_id = split_part(d.key, '/', 1)::int8
                  and i.line_no = split_part(d.key, '/', 2)::int4 and i.product_id not in (select product_id from shop.products))
                """,
            "negative_amount": """
                exists (select 1 from shop.order_items i where i.order_id = split_part(d.key, '/', 1)::int8
                  and i.line_no = split_part(d.key, '/', 2)::int4 and i.quantity <= 0)
                """,
        ],
        "chats": [
            "duplicate": "(select count(*) from shop.chats c where c.chat_id = d.key::int8) >= 2",
            "orphan_customer": """
                exists (select 1 from shop.chats c where c.chat_id = d.key::int8 and c.customer_id not in (select customer_id from shop.customers))
                """,
            "future_timestamp": "exists (select 1 from shop.chats c where c.chat_id = d.key::int8 and c.started_at > cutoff + interval '5 years')",
            "invalid_value": """
                exists (select 1 from shop.chats c where c.chat_id = d.key::int8
                  and (c.csat not between 1 and 5 or c.sentiment not between -1 and 1))
                """,
        ],
        "fx_rates": [
            "duplicate": """
                (select count(*) from shop.fx_rates r where r.day = split_part(d.key, '/', 1)::date
                  and upper(trim(r.currency)) = split_part(d.key, '/', 2)) >= 2
                """,
            "padded_text": """
                exists (select 1 from shop.fx_rates r where r.day = split_part(d.key, '/', 1)::date
                  and upper(trim(r.currency)) = split_part(d.key, '/', 2) and r.currency <> upper(trim(r.currency)))
                """,
            "invalid_value": """
                exists (select 1 from shop.fx_rates r where r.day = split_part(d.key, '/', 1)::date
                  and upper(trim(r.currency)) = split_part(d.key, '/', 2) and r.rate_to_base <= 0)
                """,
        ],
    ]

    @Test func everyDefectKindOfEveryTableIsRecorded() throws {
        let data = try data
        let rows = try data.rows("select source, defect, count(*) from shop_truth.injected_defects group by 1, 2")
        var recorded: [String: Set<String>] = [:]
        for row in rows { recorded[row[0]!, default: []].insert(row[1]!) }
        for table in SourceTable.allCases where !DefectKind.kinds(for: table).isEmpty {
            let expected = Set(DefectKind.kinds(for: table).map(\.rawValue))
            #expect(recorded[table.rawValue] == expected, "\(table.rawValue): \(recorded[table.rawValue] ?? [])")
            #expect(Set(Self.presence[table.rawValue]?.keys.map { $0 } ?? []) == expected, "presence checks of \(table.rawValue)")
        }
        #expect(data.report.totalDefects == (try data.int("select count(*) from shop_truth.injected_defects")))
    }

    @Test func defectsOccurAtAboutTheConfiguredRate() throws {
        let data = try data
        let rate = data.configuration.dirtyRate
        for table in ["customers", "products", "sessions", "orders", "order_items", "chats", "fx_rates"] {
            let defects = Double(try data.int("select count(*) from shop_truth.injected_defects where source = '\(table)'"))
            let rows = Double(try data.int("select count(*) from shop.\(table)"))
            let observed = defects / rows
            #expect(observed > rate * 0.7 && observed < rate * 1.3, "\(table): \(observed) of rows defective, configured \(rate)")
        }
    }

    @Test func eachRecordedDefectIsReallyPresentInTheData() throws {
        let data = try data
        let cutoff = "(select (end_day + 1)::timestamp at time zone 'UTC' from shop_truth.generation)"
        for (table, checks) in Self.presence {
            for (defect, condition) in checks {
                let missing = try data.int("""
                    select count(*) from shop_truth.injected_defects d cross join (select \(cutoff) as cutoff) c
                    where d.source = '\(table)' and d.defect = '\(defect)' and not (\(condition))
                    """)
                #expect(missing == 0, "\(table)/\(defect): \(missing) recorded defects are not in the data")
            }
        }
    }

    @Test func defectsAreLimitedToTheRecordedRows() throws {
        let data = try data
        // Outside the recorded keys the dirty data is as clean as clean data.
        #expect(try data.int("""
            select count(*) from shop.orders o where o.currency not in ('EUR', 'USD', 'GBP', 'SEK', 'PLN', 'CHF')
              and o.order_id::text not in (select key from shop_truth.injected_defects where source = 'orders')
            """) == 0)
        #expect(try data.int("""
            select count(*) from shop.sessions s where s.page_views > 500
              and s.session_id::text not in (select key from shop_truth.injected_defects where source = 'sessions')
            """) == 0)
        #expect(try data.int("""
            select count(*) from shop.customers c where c.country !~ '^[A-Z]{2}$'
              and c.customer_id::text not in (select key from shop_truth.injected_defects where source = 'customers')
            """) == 0)
        #expect(try data.int("""
            select count(*) from (select order_id from shop.orders group by 1 having count(*) > 1) o
            where o.order_id::text not in (select key from shop_truth.injected_defects where source = 'orders')
            """) == 0)
    }
}
