import SegflowTestSupport
import Testing
@testable import SegflowEngine
@testable import SegflowPipelineFile
@testable import SegflowRules

@Suite struct SegmentAssignerTests {
    private static let pipeline = """
    version: 1
    name: test
    timezone: UTC
    base_currency: EUR
    segmentations:
      - key: lifecycle
        primary: true
        exclusive: true
        segments:
          - { key: vip, rule: "monetary > avg(monetary) and frequency >= 2" }
          - { key: loyal, rule: "frequency >= 3" }
          - { key: buyers, rule: "frequency >= 1" }
          - { key: others, rule: "true" }
      - key: overlays
        exclusive: false
        segments:
          - { key: subscribers, rule: "newsletter_opt_in" }
          - { key: big_spenders, rule: "monetary >= 500" }
          - { key: germans, rule: "country = 'DE'" }
      - key: location
        family: country
        name_template: "Country: {value}"
      - key: line
        family: top_product_line
        rule: "frequency >= 2"
        description_template: "Buyers of {value}"
        actions: ["Cross-sell {value}"]
    """

    /// Six customers; avg(monetary) over the four buyers is (1000 + 100 + 300 + 40) / 4 = 360.
    private static let rows: [[String: Value]] = [
        ["frequency": .number(5), "monetary": .number(1000), "newsletter_opt_in": .boolean(true),
         "country": .text("DE"), "top_product_line": .text("Shoes")],
        ["frequency": .number(4), "monetary": .number(100), "country": .text("AT"),
         "top_product_line": .text("Home & Garden")],
        ["frequency": .number(1), "monetary": .number(300), "newsletter_opt_in": .boolean(false),
         "country": .text("DE"), "top_product_line": .text("Bags")],
        ["frequency": .number(2), "monetary": .number(40), "top_product_line": .text("Shoes")],
        ["frequency": .number(0), "newsletter_opt_in": .boolean(true), "country": .text("FR")],
        [:],
    ]

    private func assign(workers: Int = 1, batchSize: Int = CompiledRule.defaultBatchSize) throws -> SegmentAssignment {
        let configuration = try PipelineConfiguration.parse(yaml: Self.pipeline)
        let columns = FeatureTableBuilder.make(Self.rows, customerIDs: [101, 102, 103, 104, 105, 106])
        return SegmentAssigner(configuration: configuration, workerCount: workers, batchSize: batchSize)
            .assign(columns: columns, asOf: 20_000)
    }

    private func keys(_ result: SegmentationResult?) -> [[String]] {
        guard let result else { return [] }
        return (0..<6).map { result.segmentKeys(row: $0) }
    }

    @Test func exclusiveSegmentationTakesTheFirstTrueRuleAndCatchAllTakesTheRest() throws {
        let assignment = try assign()
        // Row 0 matches vip, loyal and buyers: the first wins. Null features fall through.
        #expect(keys(assignment.segmentation("lifecycle")) == [["vip"], ["loyal"], ["buyers"], ["buyers"], ["others"], ["others"]])
        #expect(assignment.segmentation("lifecycle")?.sizes == [1, 1, 2, 2])
    }

    @Test func overlaysGiveEveryTrueRule() throws {
        let assignment = try assign()
        #expect(keys(assignment.segmentation("overlays"))
            == [["subscribers", "big_spenders", "germans"], [], ["germans"], [], ["subscribers"], []])
    }

    @Test func familiesExpandToPresentValuesSortedAndSkipNulls() throws {
        let assignment = try assign()
        let location = assignment.segmentation("location")
        #expect(location?.segments.map(\.key) == ["location:at", "location:de", "location:fr"])
        #expect(location?.segments.map(\.name) == ["Country: AT", "Country: DE", "Country: FR"])
        #expect(keys(location) == [["location:de"], ["location:at"], ["location:de"], [], ["location:fr"], []])
    }

    @Test func familyRuleFiltersMembersAndTemplatesFillIn() throws {
        let assignment = try assign()
        let line = assignment.segmentation("line")
        // Row 2 (Bags) has one purchase, so Bags has no member and no segment.
        #expect(line?.segments.map(\.key) == ["line:home_garden", "line:shoes"])
        #expect(line?.segments.map(\.name) == ["Home & Garden", "Shoes"])
        #expect(line?.segments.first?.description == "Buyers of Home & Garden")
        #expect(line?.segments.first?.actions == ["Cross-sell Home & Garden"])
        #expect(line?.segments.first?.value == "Home & Garden")
        #expect(keys(line) == [["line:shoes"], ["line:home_garden"], [], ["line:shoes"], [], []])
    }

    @Test func membershipRowsCarryCustomerAndPrimaryFlag() throws {
        let assignment = try assign()
        let rows = Array(assignment.memberships)
        #expect(rows.count == assignment.membershipCount)
        #expect(rows.prefix(2) == [
            SegmentMembership(customerID: 101, segmentationKey: "lifecycle", segmentKey: "vip", isPrimary: true),
            SegmentMembership(customerID: 102, segmentationKey: "lifecycle", segmentKey: "loyal", isPrimary: true),
        ])
        #expect(rows.filter(\.isPrimary).count == 6)
        #expect(rows.filter { $0.segmentationKey == "overlays" }.map(\.customerID) == [101, 101, 101, 103, 105])
        #expect(assignment.statistics.values.count == 1)  // only avg(monetary) is needed
    }

    @Test func parallelAssignmentEqualsSingleWorker() throws {
        let configuration = try PipelineConfiguration.load(path: RepositoryFiles.path("pipelines/default.yml"))
        let columns = RandomSnapshot.make(rows: 5000, seed: 7)
        let single = SegmentAssigner(configuration: configuration, workerCount: 1).assign(columns: columns, asOf: 20_000)
        for (workers, batch) in [(2, 512), (4, 100), (7, 33)] {
            let parallel = SegmentAssigner(configuration: configuration, workerCount: workers, batchSize: batch)
                .assign(columns: columns, asOf: 20_000)
            #expect(parallel.segmentations.map(\.memberships) == single.segmentations.map(\.memberships), "\(workers)")
            #expect(parallel.segmentations.map(\.segments) == single.segmentations.map(\.segments))
            #expect(Array(parallel.memberships) == Array(single.memberships))
        }
    }

    @Test func defaultCatalogGivesEveryCustomerExactlyOneLifecycleSegment() throws {
        let configuration = try PipelineConfiguration.load(path: RepositoryFiles.path("pipelines/default.yml"))
        let columns = RandomSnapshot.make(rows: 3000, seed: 11)
        let assignment = SegmentAssigner(configuration: configuration, workerCount: 2).assign(columns: columns, asOf: 20_000)
        guard case .exclusive(let lifecycle) = assignment.segmentation("lifecycle")?.memberships else {
            Issue.record("lifecycle should be exclusive")
            return
        }
        #expect(lifecycle.allSatisfy { $0 >= 0 })
        guard case .exclusive(let personas) = assignment.segmentation("chat_persona")?.memberships else {
            Issue.record("personas should be exclusive")
            return
        }
        #expect(personas.allSatisfy { $0 >= 0 })
        // Compiled rules agree with the scalar interpreter on the catalog, row by row.
        let context = EvaluationContext(columns: columns, asOf: 20_000, rules: configuration.rules)
        let interpreter = ScalarInterpreter(statistics: context.statistics, asOf: 20_000)
        for rule in configuration.rules {
            let compiled = CompiledRule(rule, context: context).evaluate()
            let interpreted = (0..<columns.count).map { row in
                interpreter.evaluate(rule.typed) { context.value($0, row: row) }.boolean
            }
            #expect(compiled == interpreted, "\(rule.source)")
        }
    }

    @Test func overlaysWithMoreThan64RulesKeepRowOrder() throws {
        let segments = (0..<70).map { "      - { key: s\($0), rule: \"frequency >= \($0 % 7)\" }" }
        let yaml = Self.pipeline.replacingOccurrences(
            of: "      - { key: subscribers, rule: \"newsletter_opt_in\" }",
            with: segments.joined(separator: "\n"))
        let configuration = try PipelineConfiguration.parse(yaml: yaml)
        let columns = FeatureTableBuilder.make(Self.rows)
        let single = SegmentAssigner(configuration: configuration, workerCount: 1).assign(columns: columns, asOf: 0)
        let parallel = SegmentAssigner(configuration: configuration, workerCount: 3, batchSize: 2)
            .assign(columns: columns, asOf: 0)
        let overlays = single.segmentation("overlays")
        // Row 3 has frequency 2: rules with k = 0, 1, 2 (mod 7) match, then big_spenders does not.
        let expected = (0..<70).filter { $0 % 7 <= 2 }.map { "s\($0)" }
        #expect(overlays?.segmentKeys(row: 3) == expected)
        #expect(overlays?.segmentKeys(row: 5) == [])  // null frequency matches nothing
        #expect(parallel.segmentation("overlays")?.memberships == overlays?.memberships)
    }

    @Test func emptySnapshotAssignsNothing() throws {
        let configuration = try PipelineConfiguration.parse(yaml: Self.pipeline)
        let assignment = SegmentAssigner(configuration: configuration, workerCount: 3)
            .assign(columns: FeatureTableBuilder.make([]), asOf: 0)
        #expect(assignment.membershipCount == 0)
        #expect(assignment.segmentation("location")?.segments.isEmpty == true)
    }

    @Test func valueSlugsAreKeySafeAndUnique() {
        #expect(ValueSlug.make("Home & Garden") == "home_garden")
        #expect(ValueSlug.make("Österreich") == "osterreich")
        #expect(ValueSlug.make("  --  ") == "value")
        #expect(ValueSlug.unique(["A-B", "a b", "ab"]) == ["a_b", "a_b_2", "ab"])
    }
}

/// Random but plausible snapshots for the catalog (deterministic by seed).
enum RandomSnapshot {
    static func make(rows count: Int, seed: UInt64) -> FeatureColumns {
        var random = SplitMix(seed: seed)
        let lines = ["Shoes", "Bags", "Home & Garden", "Beauty"]
        let countries = ["DE", "AT", "FR", "PL", "NL"]
        let channels = ["email", "organic", "paid_social", "direct"]
        let rows: [[String: Value]] = (0..<count).map { _ in
            var row: [String: Value] = [:]
            let frequency = random.chance(0.3) ? 0 : random.below(12) + 1
            row["frequency"] = .number(Double(frequency))
            row["sessions_total"] = .number(Double(random.below(40)))
            row["newsletter_opt_in"] = .boolean(random.chance(0.4))
            row["country"] = random.chance(0.95) ? .text(countries[random.below(countries.count)]) : .null
            row["preferred_channel"] = .text(channels[random.below(channels.count)])
            row["days_since_last_visit"] = .number(Double(random.below(200)))
            row["product_views_90d"] = .number(Double(random.below(20)))
            row["cart_adds_90d"] = .number(Double(random.below(4)))
            let abandonments = random.below(3)
            row["cart_abandonments_90d"] = .number(Double(abandonments))
            if abandonments > 0 { row["last_abandoned_category"] = .text(lines[random.below(lines.count)]) }
            let chats = random.chance(0.6) ? 0 : random.below(6) + 1
            row["chats"] = .number(Double(chats))
            if chats > 0 {
                row["escalations"] = .number(Double(random.below(chats + 1) / 2))
                row["escalation_rate"] = .number(Double(random.below(100)) / 100)
                row["questions_per_chat"] = .number(Double(random.below(60)) / 10)
                row["messages_per_chat"] = .number(Double(random.below(150)) / 10)
                row["avg_sentiment"] = .number(Double(random.below(200)) / 100 - 1)
                if random.chance(0.7) { row["min_csat"] = .number(Double(random.below(5) + 1)) }
            }
            row["distinct_categories"] = .number(Double(min(frequency, random.below(6))))
            guard frequency > 0 else { return row }
            row["recency_days"] = .number(Double(random.below(700)))
            row["monetary"] = .number(Double(random.below(200_000)) / 100 * Double(frequency))
            row["discounted_order_share"] = .number(Double(random.below(11)) / 10)
            row["full_price_order_share"] = .number(Double(random.below(11)) / 10)
            row["new_launch_item_share"] = .number(Double(random.below(11)) / 10)
            row["replenishable_item_share"] = .number(Double(random.below(11)) / 10)
            if frequency >= 2 { row["days_until_next_order"] = .number(Double(random.below(120)) - 60) }
            row["top_product_line"] = .text(lines[random.below(lines.count)])
            row["r_score"] = .number(Double(random.below(5) + 1))
            row["f_score"] = .number(Double(random.below(5) + 1))
            row["m_score"] = .number(Double(random.below(5) + 1))
            return row
        }
        return FeatureTableBuilder.make(rows)
    }
}
