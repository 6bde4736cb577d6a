import Foundation
import PostgresClient
import SegflowTestSupport
import Testing
@testable import SegflowEngine
@testable import SegflowGenerator

/// Every defect the generator plants (shop_truth.injected_defects) comes out of the clean
/// stage quarantined or repaired, with the reason its kind calls for: one check per defect kind.
@Suite struct CleaningCatchesInjectedDefectsTests {
    /// (source, defect) → the quarantine reason and action it must produce, as the generator declares them.
    static let expected: [String: (reason: QuarantineReason, action: QuarantineRecord.Action)] = {
        var expected: [String: (reason: QuarantineReason, action: QuarantineRecord.Action)] = [:]
        for table in SourceTable.allCases {
            for kind in DefectKind.kinds(for: table) {
                if let quarantine = kind.quarantine { expected["\(table.rawValue)/\(kind.rawValue)"] = quarantine }
            }
        }
        return expected
    }()

    @Test func everyInjectedDefectIsQuarantinedOrRepairedWithItsReason() throws {
        let data = try SharedDatasets.dirty.get()
        let database = data.database
        let settings = SnapshotEngine.Settings(timeZone: try #require(TimeZone(identifier: "Europe/Berlin")), baseCurrency: "EUR", workers: 2)
        let output = try SnapshotEngine(configuration: PostgresConfiguration(connectionString: database.connectionString), settings: settings, logger: .init(label: "test"))
            .run(asOf: [GeneratorConfiguration.defaultEndDay])
        // Quarantine records by "source/key".
        var records: [String: [QuarantineRecord]] = [:]
        for log in output.quarantine {
            for record in log.records { records["\(record.source)/\(record.key)", default: []].append(record) }
        }
        let connection = try PostgresConnection(PostgresConfiguration(connectionString: database.connectionString))
        defer { connection.close() }
        // Only rows inside the snapshot (before the cut-off T) reach the clean stage.
        let cutoff = LocalCalendar(timeZone: settings.timeZone).cutoff(asOf: GeneratorConfiguration.defaultEndDay)
        let defects = try connection.execute("""
            with d as (select source, key, defect, split_part(key, '/', 1) as first_key from shop_truth.injected_defects)
            select source, key, defect from d
            where case source
                when 'orders' then exists (select 1 from shop.orders o where o.order_id = d.first_key::int8 and o.placed_at < \(cutoff))
                when 'order_items' then not exists (select 1 from shop.orders o where o.order_id = d.first_key::int8 and o.placed_at >= \(cutoff))
                    or exists (select 1 from shop.orders o where o.order_id = d.first_key::int8 and o.placed_at < \(cutoff))
                when 'sessions' then exists (select 1 from shop.sessions s where s.session_id = d.first_key::int8 and s.started_at < \(cutoff))
                when 'chats' then exists (select 1 from shop.chats c where c.chat_id = d.first_key::int8 and c.started_at < \(cutoff))
                when 'customers' then exists (select 1 from shop.customers c where c.customer_id = d.first_key::int8 and c.created_at < \(cutoff))
                else true
            end
            """).rows
        var checked: [String: (total: Int, exact: Int)] = [:]
        for defect in defects {
            let source = defect["source"].string ?? "", key = defect["key"].string ?? "", kind = defect["defect"].string ?? ""
            guard let expected = Self.expected["\(source)/\(kind)"] else { continue }
            let found = records["\(source)/\(key)"] ?? []
            var tally = checked["\(source)/\(kind)", default: (0, 0)]
            tally.total += 1
            if found.contains(where: { $0.reason == expected.reason && $0.action == expected.action }) { tally.exact += 1 }
            checked["\(source)/\(kind)"] = tally
            // Whatever else happened to the row, a rejecting defect never leaves it kept untouched.
            if expected.action == .rejected {
                #expect(found.contains { $0.action == .rejected }, "\(source) \(key) (\(kind)) was kept")
            }
        }
        print("defect kind → caught with the expected reason")
        for (kind, tally) in checked.sorted(by: { $0.key < $1.key }) {
            print("  \(kind.padding(toLength: 30, withPad: " ", startingAt: 0)) \(tally.exact)/\(tally.total)")
            // A row can carry a second defect checked earlier (a duplicate copy of an orphan says `duplicate`); allow 5 %.
            #expect(Double(tally.exact) >= 0.95 * Double(tally.total), "\(kind): \(tally.exact) of \(tally.total)")
        }
        #expect(Set(checked.keys) == Set(Self.expected.keys), "every defect kind was injected and checked")
    }
}
