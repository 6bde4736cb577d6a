import Foundation
import Logging
import PostgresClient
import SegflowTestSupport
@testable import Segflow
@testable import SegflowGenerator
@testable import SegflowPipelineFile
@testable import SegflowPublish

/// Generates a store, runs the default catalog over it as of the generator's end day and
/// scores the published segments against the personas the generator planted
/// (`shop_truth.customer_personas`).
///
/// Everything goes through the product's own paths: `DataGenerator`, `SchemaMigrator`,
/// `PipelineRunner` with `pipelines/default.yml`, then SQL over
/// `segflow.current_customer_segments`.
enum PersonaRecovery {
    /// What the generator planted: a persona, or a chat style.
    enum Truth: Hashable, Sendable, CustomStringConvertible {
        case persona(Persona)
        case chatStyle(ChatStyle)

        var description: String {
            switch self {
            case .persona(let persona): persona.rawValue
            case .chatStyle(let style): "chat:\(style.rawValue)"
            }
        }
    }

    /// A planted behaviour and the one segment that describes it.
    struct Mapping: Sendable {
        var truth: Truth
        var segmentation: String
        var segment: String
        /// Why this segment is the marketing home of the behaviour (printed with the scores).
        var because: String
    }

    /// The persona → segment mapping: each persona's defining behaviour ↔ the segment that
    /// describes that behaviour. `regular` (the ordinary buyer) and `test_account` have no
    /// segment of their own. Overlays are non-exclusive: their precision is computed over
    /// the overlay's own members.
    static let mappings: [Mapping] = [
        Mapping(truth: .persona(.highSpender), segmentation: "lifecycle", segment: "vip",
                because: "large baskets, many purchases, recent"),
        Mapping(truth: .persona(.loyal), segmentation: "lifecycle", segment: "loyal",
                because: "many full-price purchases across the range, recent"),
        Mapping(truth: .persona(.dormant), segmentation: "lifecycle", segment: "dormant",
                because: "repeat buyer, no purchase and no visit for over a year"),
        Mapping(truth: .persona(.newsletterLead), segmentation: "lifecycle", segment: "newsletter_leads",
                because: "subscribed, never bought, not visiting"),
        Mapping(truth: .persona(.oneTime), segmentation: "overlays", segment: "one_time_buyers",
                because: "exactly one purchase"),
        Mapping(truth: .persona(.couponSeeker), segmentation: "overlays", segment: "coupon_customers",
                because: "(nearly) every purchase discounted"),
        Mapping(truth: .persona(.replenishment), segmentation: "overlays", segment: "replenishment_buyers",
                because: "rebuys consumables with a replenishment cycle"),
        Mapping(truth: .persona(.trendFollower), segmentation: "overlays", segment: "trend_followers",
                because: "buys products within a month of launch"),
        Mapping(truth: .persona(.cartAbandoner), segmentation: "overlays", segment: "abandoned_cart",
                because: "buyer who keeps leaving carts behind"),
        Mapping(truth: .persona(.undecidedProspect), segmentation: "overlays", segment: "undecided_prospects",
                because: "never bought; browses, fills carts, chats"),
        Mapping(truth: .persona(.curiousProspect), segmentation: "overlays", segment: "curious_prospects",
                because: "never bought; visited lately, no cart"),
        Mapping(truth: .chatStyle(.analytical), segmentation: "chat_persona", segment: "persona_analytical",
                because: "many questions per chat"),
        Mapping(truth: .chatStyle(.socializing), segmentation: "chat_persona", segment: "persona_socializing",
                because: "many messages per chat"),
        Mapping(truth: .chatStyle(.dominating), segmentation: "chat_persona", segment: "persona_dominating",
                because: "negative tone, escalates"),
        Mapping(truth: .chatStyle(.relatable), segmentation: "chat_persona", segment: "persona_relatable",
                because: "positive tone, bad ratings"),
    ]

    /// Precision and recall of one mapping.
    struct Score: Sendable {
        var mapping: Mapping
        /// Customers planted with the truth.
        var actual: Int
        /// Members of the segment.
        var predicted: Int
        /// Members of the segment planted with the truth.
        var truePositives: Int

        var precision: Double { predicted == 0 ? 0 : Double(truePositives) / Double(predicted) }
        var recall: Double { actual == 0 ? 0 : Double(truePositives) / Double(actual) }
    }

    /// Counts of customers by planted value (rows) and segment (columns) of one segmentation.
    struct Confusion: Sendable {
        var title: String
        var rows: [String]
        var columns: [String]
        /// counts[row][column]
        var counts: [String: [String: Int]]

        func count(_ row: String, _ column: String) -> Int { counts[row]?[column] ?? 0 }
        /// Members of a segment, whatever was planted.
        func columnTotal(_ column: String) -> Int { counts.values.reduce(0) { $0 + ($1[column] ?? 0) } }
    }

    struct Outcome: Sendable {
        var label: String
        var customers: Int
        var scores: [Score]
        var lifecycle: Confusion
        var overlays: Confusion
        var chat: Confusion

        /// The report printed into the test output.
        var report: String {
            var text = "\n=== Persona recovery: \(label), \(customers) customers, pipelines/default.yml ===\n"
            text += lifecycle.rendered(rowTotals: true)
            text += overlays.rendered(rowTotals: false)
            text += chat.rendered(rowTotals: true)
            text += "\nmapped pairs (precision = |persona ∩ segment| / |segment|, recall = |persona ∩ segment| / |persona|):\n"
            let header = "  " + "planted".padded(20) + "segment".padded(34) + "persona".leftPadded(8) + "segment".leftPadded(9)
                + "both".leftPadded(7) + "precision".leftPadded(11) + "recall".leftPadded(8) + "   behaviour\n"
            text += header
            for score in scores {
                let m = score.mapping
                text += "  " + m.truth.description.padded(20) + "\(m.segmentation)/\(m.segment)".padded(34)
                    + String(score.actual).leftPadded(8) + String(score.predicted).leftPadded(9) + String(score.truePositives).leftPadded(7)
                    + String(format: "%.3f", score.precision).leftPadded(11) + String(format: "%.3f", score.recall).leftPadded(8)
                    + "   \(m.because)\n"
            }
            return text
        }
    }

    /// Generates `customers` with `seed` (and `dirtyRate` defective rows) into a fresh
    /// database, migrates, runs the default catalog as of the end day and scores it.
    static func run(label: String, customers: Int, seed: UInt64, dirtyRate: Double) throws -> Outcome {
        let logger = testLogger("segflow.test.personas")
        let database = try TestPostgres.makeDatabase(prefix: "personas")
        defer { try? database.drop() }
        let postgres = PostgresConfiguration(connectionString: database.connectionString)

        let generation = GeneratorConfiguration(
            customers: customers, seed: seed, dirtyRate: dirtyRate, workers: 2, createIndexes: false, progressInterval: 3_600
        )
        _ = try DataGenerator(configuration: generation, logger: logger).run(database: postgres)

        let pipeline = try PipelineConfiguration.load(path: RepositoryFiles.path("pipelines/default.yml"))
        let connection = try PostgresConnection(postgres, logger: logger)
        defer { connection.close() }
        _ = try SchemaMigrator(connection: connection, schema: pipeline.output.schema, logger: logger).migrate()
        let report = try PipelineRunner(
            database: postgres, pipeline: pipeline, options: PipelineRunner.Options(workers: 2), logger: logger
        ).run(asOf: generation.endDay)

        func segmentKeys(_ segmentation: String) -> [String] {
            guard let definition = pipeline.segmentations.first(where: { $0.key == segmentation }),
                  case .segments(let segments) = definition.kind else { return [] }
            return segments.map(\.key)
        }
        let personas = Persona.allCases.map(\.rawValue)
        let lifecycle = try confusion(
            connection, title: "personas × lifecycle (primary, exclusive)", truthColumn: "persona", segmentation: "lifecycle",
            rows: personas, columns: segmentKeys("lifecycle")
        )
        let overlayColumns = mappings.filter { $0.segmentation == "overlays" }.map(\.segment)
        let overlays = try confusion(
            connection, title: "personas × mapped overlays (non-exclusive: a customer may count in several)", truthColumn: "persona",
            segmentation: "overlays", rows: personas, columns: overlayColumns
        )
        let chat = try confusion(
            connection, title: "chat styles × chat_persona (exclusive)", truthColumn: "chat_style", segmentation: "chat_persona",
            rows: ChatStyle.allCases.map(\.rawValue) + [noChat], columns: segmentKeys("chat_persona")
        )

        var planted: [Truth: Int] = [:]
        for row in try connection.simpleQuery("select persona, chat_style from shop_truth.customer_personas").rows {
            if let persona = row[0].string.flatMap(Persona.init(rawValue:)) { planted[.persona(persona), default: 0] += 1 }
            if let style = row[1].string.flatMap(ChatStyle.init(rawValue:)) { planted[.chatStyle(style), default: 0] += 1 }
        }
        let scores = mappings.map { mapping -> Score in
            let table = switch mapping.segmentation {
            case "lifecycle": lifecycle
            case "overlays": overlays
            default: chat
            }
            let row = switch mapping.truth {
            case .persona(let persona): persona.rawValue
            case .chatStyle(let style): style.rawValue
            }
            return Score(mapping: mapping, actual: planted[mapping.truth] ?? 0, predicted: table.columnTotal(mapping.segment),
                         truePositives: table.count(row, mapping.segment))
        }
        return Outcome(label: label, customers: report.customers, scores: scores, lifecycle: lifecycle, overlays: overlays, chat: chat)
    }

    static let noChat = "(none)"
    static let unknown = "(not generated)"

    /// Members of each segment of `segmentation` by the planted value in `truthColumn`.
    /// Customers the generator did not plant (none expected) count under `unknown`.
    private static func confusion(_ connection: PostgresConnection, title: String, truthColumn: String, segmentation: String,
                                  rows: [String], columns: [String]) throws -> Confusion {
        let result = try connection.execute("""
            select coalesce(t.\(identifier: truthColumn), case when t.customer_id is null then \(unknown) else \(noChat) end) as truth,
                   s.segment_key, count(*)::int8 as members
            from segflow.current_customer_segments s
            left join shop_truth.customer_personas t on t.customer_id = s.customer_id
            where s.segmentation_key = \(segmentation)
            group by 1, 2
            """)
        var counts: [String: [String: Int]] = [:]
        for row in result.rows {
            guard let truth = row["truth"].string, let segment = row["segment_key"].string else { continue }
            counts[truth, default: [:]][segment] = row["members"].int ?? 0
        }
        let extraRows = counts.keys.filter { !rows.contains($0) }.sorted()
        return Confusion(title: title, rows: rows + extraRows, columns: columns, counts: counts)
    }
}

extension PersonaRecovery.Confusion {
    /// A fixed-width table; columns as wide as their key.
    func rendered(rowTotals: Bool) -> String {
        let first = max(20, (rows.map(\.count).max() ?? 0) + 2)
        let widths = columns.map { max(6, $0.count) + 1 }
        var text = "\n\(title):\n"
        text += "  " + "".padded(first) + zip(columns, widths).map { $0.leftPadded($1) }.joined()
        text += rowTotals ? "  total".leftPadded(9) + "\n" : "\n"
        for row in rows {
            let cells = columns.map { count(row, $0) }
            text += "  " + row.padded(first) + zip(cells, widths).map { ($0 == 0 ? "." : String($0)).leftPadded($1) }.joined()
            text += rowTotals ? String(cells.reduce(0, +)).leftPadded(9) + "\n" : "\n"
        }
        text += "  " + "members".padded(first) + zip(columns, widths).map { String(columnTotal($0)).leftPadded($1) }.joined() + "\n"
        return text
    }
}

extension String {
    fileprivate func padded(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }

    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? " " + self : String(repeating: " ", count: width - count) + self
    }
}
