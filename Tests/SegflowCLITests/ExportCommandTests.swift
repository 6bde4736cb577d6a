import Foundation
import PostgresClient
import Segflow
import SegflowTestSupport
import Testing

/// `segflow export` as a user runs it: the built executable against a store with two published
/// snapshots, its output compared with SQL over the published tables.
@Suite(.serialized) struct ExportCommandTests {
    static let previous = "2026-05-31", latest = "2026-06-30"

    /// A store with the snapshots of `previous` and `latest`, and the segment with the most
    /// changes both ways between them (chosen from customer_segments, not from the view).
    static let fixture = Result { () throws -> (store: RunTestStore, segmentation: String, segment: String) in
        let store = try RunTestStore.make("export_cli", customers: 800, seed: 7)
        let runner = store.runner(try RunTestStore.pipeline())
        struct BadDate: Error {}
        for day in [previous, latest] {
            guard let asOf = PostgresDate(iso: day) else { throw BadDate() }
            _ = try runner.run(asOf: asOf)
        }
        let chosen = try store.rows("""
            with c as (select segmentation_key, segment_key, customer_id from segflow.customer_segments where as_of = '\(latest)'),
                 p as (select segmentation_key, segment_key, customer_id from segflow.customer_segments where as_of = '\(previous)'),
                 entered as (select segmentation_key, segment_key, count(*) n from (select * from c except select * from p) x group by 1, 2),
                 exited as (select segmentation_key, segment_key, count(*) n from (select * from p except select * from c) x group by 1, 2)
            select segmentation_key, segment_key from entered join exited using (segmentation_key, segment_key)
            order by least(entered.n, exited.n) desc, 1, 2 limit 1
            """)
        struct NoSegmentChanged: Error {}
        guard let row = chosen.first, let segmentation = row[0], let segment = row[1] else { throw NoSegmentChanged() }
        return (store, segmentation, segment)
    }

    func export(_ extra: [String]) throws -> SegflowExecutable.Outcome {
        let (store, _, _) = try Self.fixture.get()
        return try SegflowExecutable.run(["export", "-d", store.connectionString, "--log-level", "error", "--log-format", "text"] + extra)
    }

    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("segflow-export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// RFC 4180 records (quoted fields, doubled quotes, embedded commas and line breaks).
    static func parseCSV(_ text: String) -> [[String]] {
        var records: [[String]] = [], record: [String] = [], field = "", quoted = false, wasQuoted = false
        var characters = Array(text).makeIterator()
        var pending: Character? = nil
        while let character = pending ?? characters.next() {
            pending = nil
            if quoted {
                if character == "\"" {
                    if let next = characters.next() {
                        if next == "\"" { field.append("\"") } else { quoted = false; pending = next }
                    } else { quoted = false }
                } else { field.append(character) }
            } else if character == "\"" {
                quoted = true; wasQuoted = true
            } else if character == "," {
                record.append(field); field = ""; wasQuoted = false
            } else if character == "\n" {
                record.append(field); records.append(record); record = []; field = ""; wasQuoted = false
            } else { field.append(character) }
        }
        if !field.isEmpty || wasQuoted || !record.isEmpty { record.append(field); records.append(record) }
        return records
    }

    @Test func csvMembersWithColumnsEqualTheSnapshotsRowsAndTheSource() throws {
        let (store, segmentation, segment) = try Self.fixture.get()
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("members.csv").path
        let outcome = try export(["--segment", "\(segmentation):\(segment)", "--as-of", Self.previous,
                                  "--columns", "email,country,monetary,newsletter_opt_in,city", "--out", file])
        #expect(outcome.status == 0, "\(outcome)")
        #expect(outcome.standardOutput.isEmpty)
        let records = Self.parseCSV(try String(contentsOfFile: file, encoding: .utf8))
        #expect(records.first == ["customer_id", "email", "country", "monetary", "newsletter_opt_in", "city"])
        let rows = Array(records.dropFirst())
        // Every row, every column, against the published tables and the (clean) source.
        let expected = try store.rows("""
            select m.customer_id::text, lower(trim(c.email)), f.country, f.monetary::text,
                   case f.newsletter_opt_in when true then 't' when false then 'f' end, f.city
            from segflow.customer_segments m
            join segflow.customer_features f on f.as_of = m.as_of and f.customer_id = m.customer_id
            join shop.customers c on c.customer_id = m.customer_id
            where m.as_of = '\(Self.previous)' and m.segmentation_key = '\(segmentation)' and m.segment_key = '\(segment)'
            order by m.customer_id
            """).map { $0.map { $0 ?? "" } }
        #expect(!expected.isEmpty)
        #expect(rows == expected)
        #expect(outcome.standardError.contains("\(rows.count) members of \(segmentation):\(segment) at \(Self.previous) written to \(file)"), "\(outcome)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["members.csv"])
    }

    /// `email` comes from the row the cleaner keeps (the latest `updated_at`), normalised as it
    /// normalises: a newer padded, upper-case address wins over the current one, an older row
    /// loses, and an address that is not one is empty.
    @Test func emailIsTheKeptSourceRowNormalised() throws {
        let (store, segmentation, segment) = try Self.fixture.get()
        let members = try store.rows("""
            select customer_id::text from segflow.customer_segments
            where as_of = '\(Self.latest)' and segmentation_key = '\(segmentation)' and segment_key = '\(segment)'
            order by customer_id limit 3
            """).compactMap { $0[0] }
        try #require(members.count == 3)
        let (newer, older, invalid) = (members[0], members[1], members[2])
        let connection = try store.connect()
        defer {
            _ = try? connection.simpleQuery("delete from shop.customers where email in (' NEWER@Example.COM ', 'older@example.com', 'not-an-address')")
            connection.close()
        }
        let latestUpdate = { (id: String) in "(select max(updated_at) from shop.customers where customer_id = \(id))" }
        try connection.simpleQuery("""
            insert into shop.customers (customer_id, email, created_at, updated_at)
            select \(newer), ' NEWER@Example.COM ', '2020-01-01', \(latestUpdate(newer)) + interval '1 day';
            insert into shop.customers (customer_id, email, created_at, updated_at)
            select \(older), 'older@example.com', '2020-01-01', \(latestUpdate(older)) - interval '1 day';
            insert into shop.customers (customer_id, email, created_at, updated_at)
            select \(invalid), 'not-an-address', '2020-01-01', \(latestUpdate(invalid)) + interval '1 day'
            """)
        let outcome = try export(["--segment", "\(segmentation):\(segment)", "--columns", "email"])
        #expect(outcome.status == 0, "\(outcome)")
        let emails = Dictionary(Self.parseCSV(outcome.standardOutput).dropFirst().map { ($0[0], $0[1]) }, uniquingKeysWith: { a, _ in a })
        let original = try store.rows("select lower(trim(email)) from shop.customers where customer_id = \(older) and email <> 'older@example.com'")
        #expect(emails[newer] == "newer@example.com")
        #expect(emails[older] == original.first?.first ?? nil)
        #expect(emails[older] != "older@example.com")
        #expect(emails[invalid] == "")
        // Logs at the most verbose level carry no member data.
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let verbose = try export(["--segment", "\(segmentation):\(segment)", "--columns", "email", "--log-level", "trace",
                                  "--out", directory.appendingPathComponent("e.csv").path])
        #expect(verbose.status == 0, "\(verbose)")
        #expect(verbose.standardError.contains("exporting segment") && verbose.standardError.contains("segment exported"), "\(verbose)")
        for address in ["newer@example.com", original.first?.first.flatMap { $0 } ?? "older-original-missing"] {
            #expect(!verbose.output.contains(address), "\(verbose)")
        }
    }

    @Test func jsonlOfTheLatestSnapshotOnStandardOutput() throws {
        let (store, segmentation, segment) = try Self.fixture.get()
        let outcome = try export(["--segment", "\(segmentation):\(segment)", "--format", "jsonl", "--columns", "rfm_score,aov,last_order_date"])
        #expect(outcome.status == 0, "\(outcome)")
        let lines = outcome.standardOutput.split(separator: "\n")
        var exported: Set<Int> = []
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(Set(object.keys) == ["customer_id", "rfm_score", "aov", "last_order_date"])
            exported.insert(try #require(object["customer_id"] as? Int))
        }
        #expect(exported.count == lines.count)
        let members = Set(try store.rows("""
            select customer_id::text from segflow.customer_segments
            where as_of = '\(Self.latest)' and segmentation_key = '\(segmentation)' and segment_key = '\(segment)'
            """).compactMap { $0[0].flatMap { Int($0) } })
        #expect(!members.isEmpty && exported == members)
    }

    /// (customer, change) of one segment: the set differences of the two snapshots, both ways.
    func expectedChanges(segmentation: String, segment: String) throws -> Set<String> {
        let (store, _, _) = try Self.fixture.get()
        let member = { (asOf: String) in
            "select customer_id from segflow.customer_segments where as_of = '\(asOf)' and segmentation_key = '\(segmentation)' and segment_key = '\(segment)'"
        }
        return Set(try store.rows("""
            select customer_id || ':entered' from (\(member(Self.latest)) except \(member(Self.previous))) e
            union all
            select customer_id || ':left' from (\(member(Self.previous)) except \(member(Self.latest))) l
            """).compactMap { $0[0] })
    }

    @Test func changesAreTheSetDifferencesBothWays() throws {
        let (_, segmentation, segment) = try Self.fixture.get()
        let expected = try expectedChanges(segmentation: segmentation, segment: segment)
        #expect(expected.contains { $0.hasSuffix(":entered") } && expected.contains { $0.hasSuffix(":left") })

        let jsonl = try export(["--segment", "\(segmentation):\(segment)", "--changes", "--format", "jsonl", "--columns", "email"])
        #expect(jsonl.status == 0, "\(jsonl)")
        let fromJSON = try jsonl.standardOutput.split(separator: "\n").map { line -> String in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(Set(object.keys) == ["customer_id", "change", "email"])
            return "\(object["customer_id"] as? Int ?? -1):\(object["change"] as? String ?? "")"
        }
        #expect(Set(fromJSON) == expected && fromJSON.count == expected.count)

        let csv = try export(["--segment", "\(segmentation):\(segment)", "--changes", "--as-of", Self.latest])
        #expect(csv.status == 0, "\(csv)")
        let records = Self.parseCSV(csv.standardOutput)
        #expect(records.first == ["customer_id", "change"])
        #expect(Set(records.dropFirst().map { $0.joined(separator: ":") }) == expected)
    }

    @Test func theViewEqualsTheSetDifferencesOfEverySegment() throws {
        let (store, _, _) = try Self.fixture.get()
        let both = { (asOf: String) in
            "select customer_id, segmentation_key, segment_key from segflow.customer_segments where as_of = '\(asOf)'"
        }
        let expected = """
            select x.*, 'entered' from (\(both(Self.latest)) except \(both(Self.previous))) x
            union all
            select x.*, 'left' from (\(both(Self.previous)) except \(both(Self.latest))) x
            """
        let view = """
            select customer_id, segmentation_key, segment_key, change from segflow.segment_membership_changes
            where as_of = '\(Self.latest)' and previous_as_of = '\(Self.previous)'
            """
        #expect(try store.count("select count(*) from (\(expected)) e") > 0)
        #expect(try store.count("select count(*) from (\(view)) v") == store.count("select count(*) from (\(expected)) e"))
        #expect(try store.count("select count(*) from ((\(view)) except all (\(expected))) d") == 0)
        #expect(try store.count("select count(*) from ((\(expected)) except all (\(view))) d") == 0)
        // The first snapshot: every membership entered.
        #expect(try store.count("select count(*) from segflow.segment_membership_changes where as_of = '\(Self.previous)' and change = 'entered' and previous_as_of is null")
            == store.count("select count(*) from segflow.customer_segments where as_of = '\(Self.previous)'"))
        #expect(try store.count("select count(*) from segflow.segment_membership_changes where as_of = '\(Self.previous)' and change = 'left'") == 0)
    }

    @Test func anUnknownColumnIsRejectedWithASuggestionBeforeConnecting() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("out.csv").path
        // An unreachable database: connecting would be exit 75 or 1, not 2.
        let outcome = try SegflowExecutable.run([
            "export", "-d", "host=/nonexistent-segflow-socket-dir", "--segment", "vip", "--columns", "email,contry", "--out", file,
        ])
        #expect(outcome.status == 2, "\(outcome)")
        #expect(outcome.standardError.contains("unknown column 'contry' (did you mean 'country'?)"), "\(outcome)")
        #expect(!FileManager.default.fileExists(atPath: file))
    }

    @Test func anUnknownSegmentOrUnpublishedAsOfIsAUsageErrorAndKeepsTheOldFile() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("vip.csv").path
        try "old content\n".write(toFile: file, atomically: true, encoding: .utf8)

        let unknown = try export(["--segment", "vipp", "--out", file])
        #expect(unknown.status == 2, "\(unknown)")
        #expect(unknown.standardError.contains("unknown segment 'vipp' (did you mean 'vip'?)"), "\(unknown)")

        let unpublished = try export(["--segment", "vip", "--as-of", "2020-01-31", "--out", file])
        #expect(unpublished.status == 2, "\(unpublished)")
        #expect(unpublished.standardError.contains("--as-of 2020-01-31 was never published in \"segflow\"; the latest published: \(Self.latest), \(Self.previous)"),
                "\(unpublished)")

        #expect(try String(contentsOfFile: file, encoding: .utf8) == "old content\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["vip.csv"])

        // A success replaces it.
        let ok = try export(["--segment", "vip", "--out", file])
        #expect(ok.status == 0, "\(ok)")
        #expect(try String(contentsOfFile: file, encoding: .utf8).hasPrefix("customer_id\n"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["vip.csv"])
    }

    @Test func segmentKeysResolveBareQualifiedOrAmbiguous() throws {
        let defined = [
            ExportSegment(segmentationKey: "lifecycle", segmentKey: "vip"),
            ExportSegment(segmentationKey: "a", segmentKey: "shared"),
            ExportSegment(segmentationKey: "b", segmentKey: "shared"),
            ExportSegment(segmentationKey: "clusters", segmentKey: "clusters:cluster_1"),
        ]
        #expect(try ExportSegment.resolve("vip", among: defined) == defined[0])
        #expect(try ExportSegment.resolve("lifecycle:vip", among: defined) == defined[0])
        #expect(try ExportSegment.resolve("b:shared", among: defined) == defined[2])
        #expect(try ExportSegment.resolve("clusters:cluster_1", among: defined) == defined[3])
        #expect(try ExportSegment.resolve("clusters:clusters:cluster_1", among: defined) == defined[3])
        #expect(throws: InvalidExportError.self) { try ExportSegment.resolve("shared", among: defined) }
        do {
            _ = try ExportSegment.resolve("shared", among: defined)
        } catch let error as InvalidExportError {
            #expect(error.description.contains("'a:shared', 'b:shared'"))
        }
        #expect(throws: InvalidExportError.self) { try ExportSegment.resolve("lifecycle:vipp", among: defined) }
    }

    @Test func columnListsAreCheckedWhole() throws {
        #expect(try ExportColumn.parseList("email, country,monetary").map(\.name) == ["email", "country", "monetary"])
        for bad in ["email,email", "customer_id", "country,", "monetry"] {
            #expect(throws: InvalidExportError.self) { try ExportColumn.parseList(bad) }
        }
    }
}
