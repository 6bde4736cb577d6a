import Foundation
import SegflowTestSupport
import Testing
@testable import SegflowGenerator

@Suite("Generator determinism")
struct GeneratorDeterminismTests {
    static func small(seed: UInt64, workers: Int, dirty: Double = 0.02) -> GeneratorConfiguration {
        GeneratorConfiguration(customers: 1_500, seed: seed, dirtyRate: dirty, workers: workers, blockSize: 400)
    }

    @Test func sameSeedGivesIdenticalRowsInEveryTable() throws {
        let first = try GeneratedDatabase(Self.small(seed: 11, workers: 2), prefix: "gen_same_a")
        let second = try GeneratedDatabase(Self.small(seed: 11, workers: 2), prefix: "gen_same_b")
        let a = try first.fingerprints()
        let b = try second.fingerprints()
        #expect(a.count == 9)
        for (table, print) in a {
            #expect(b[table] == print, "\(table) differs between two runs with the same seed")
        }
        #expect(first.report.totalRows == second.report.totalRows)
    }

    @Test func differentSeedGivesDifferentRows() throws {
        let first = try GeneratedDatabase(Self.small(seed: 11, workers: 2), prefix: "gen_seed_a")
        let second = try GeneratedDatabase(Self.small(seed: 12, workers: 2), prefix: "gen_seed_b")
        let a = try first.fingerprints()
        let b = try second.fingerprints()
        for table in ["shop.customers", "shop.sessions", "shop.orders", "shop.order_items", "shop.chats", "shop.products", "shop.fx_rates"] {
            #expect(a[table] != b[table], "\(table) is the same for seeds 11 and 12")
        }
    }

    @Test func workerCountDoesNotChangeTheOutput() throws {
        let single = try GeneratedDatabase(Self.small(seed: 5, workers: 1), prefix: "gen_w1")
        let many = try GeneratedDatabase(Self.small(seed: 5, workers: 4), prefix: "gen_w4")
        #expect(try single.fingerprints() == many.fingerprints())
        // Rows even arrive in the same physical order.
        let order = "select md5(string_agg(session_id::text, ',')) from shop.sessions"
        #expect(try single.value(order) == many.value(order))
    }

    @Test func dirtyRunIsTheCleanRunPlusDefects() throws {
        // Defects draw from their own random stream: the clean rows of a dirty run are the
        // clean run's rows, so the ground truth stays comparable across dirty rates.
        let clean = try GeneratedDatabase(Self.small(seed: 3, workers: 2, dirty: 0), prefix: "gen_c")
        let dirty = try GeneratedDatabase(Self.small(seed: 3, workers: 2, dirty: 0.05), prefix: "gen_d")
        #expect(try clean.value("select md5(string_agg(t::text, ',' order by customer_id)) from shop_truth.customer_personas t")
            == dirty.value("select md5(string_agg(t::text, ',' order by customer_id)) from shop_truth.customer_personas t"))
        let cleanOrders = try clean.int("select count(*) from shop.orders")
        // Defects that add rows give them ids of their own; the others keep the row's id.
        let keptInDirty = try dirty.int("""
            select count(*) from (select distinct order_id from shop.orders
            where order_id not in (select key::int8 from shop_truth.injected_defects where source = 'orders'
                and defect in ('orphan_customer', 'negative_amount', 'absurd_amount', 'future_timestamp', 'unknown_currency'))) x
            """)
        #expect(cleanOrders == keptInDirty)
        let columns = "order_id, customer_id, placed_at, subtotal, discount_total, total"
        #expect(try clean.value("select md5(string_agg(concat_ws(',', \(columns)), ';' order by order_id)) from shop.orders")
            == dirty.value("""
                select md5(string_agg(concat_ws(',', \(columns)), ';' order by order_id)) from (
                  select distinct \(columns) from shop.orders where order_id not in (select key::int8 from shop_truth.injected_defects
                  where source = 'orders' and defect in ('orphan_customer', 'negative_amount', 'absurd_amount', 'future_timestamp', 'unknown_currency'))) x
                """))
    }

    @Test func randomSourceIsReproducibleAndStreamsDiffer() {
        var a = RandomSource(seed: 99, stream: 1, substream: 2)
        var b = RandomSource(seed: 99, stream: 1, substream: 2)
        var c = RandomSource(seed: 99, stream: 1, substream: 3)
        let first = (0..<100).map { _ in a.next() }
        #expect(first == (0..<100).map { _ in b.next() })
        #expect(first != (0..<100).map { _ in c.next() })
    }

    @Test func distributionsHaveTheirMeans() {
        var random = RandomSource(seed: 1)
        let n = 200_000
        var uniform = 0.0, normal = 0.0, poisson = 0.0, logNormal: [Double] = []
        for _ in 0..<n {
            uniform += random.uniform()
            normal += random.normal()
            poisson += Double(random.poisson(3.5))
            logNormal.append(random.logNormal(median: 50, sigma: 0.5))
        }
        #expect(abs(uniform / Double(n) - 0.5) < 0.005)
        #expect(abs(normal / Double(n)) < 0.01)
        #expect(abs(poisson / Double(n) - 3.5) < 0.03)
        logNormal.sort()
        #expect(abs(logNormal[n / 2] - 50) < 1)
        var counts = [0, 0, 0]
        let table = WeightedTable([1, 2, 7])
        for _ in 0..<n { counts[table.sample(&random)] += 1 }
        #expect(abs(Double(counts[2]) / Double(n) - 0.7) < 0.01)
        #expect(abs(Double(counts[0]) / Double(n) - 0.1) < 0.01)
    }
}
