import SegflowModels
import Testing
@testable import SegflowEngine
@testable import SegflowPipelineFile

@Suite struct PipelineValidationTests {
    private func issues(_ yaml: String, file: String = "pipelines/x.yml") -> [String] {
        do {
            _ = try PipelineConfiguration.parse(yaml: yaml, file: file)
            return []
        } catch {
            return error.issues.map(\.description)
        }
    }

    /// A minimal valid file, for tests that change one thing.
    private static let valid = """
    version: 1
    name: t
    timezone: UTC
    base_currency: EUR
    segmentations:
      - key: main
        primary: true
        segments:
          - { key: buyers, rule: "frequency >= 1" }
          - { key: rest, rule: "true" }
    """

    @Test func aMinimalFileIsValid() throws {
        let configuration = try PipelineConfiguration.parse(yaml: Self.valid)
        #expect(configuration.sources.count == SourceName.allCases.count)
        #expect(configuration.cleaning.validStatuses == CleaningConfiguration.defaultValidStatuses)
        #expect(configuration.cleaning.maxOrderTotal == 100_000)
        #expect(configuration.output.schema == "segflow")
        guard case .segments(let segments) = configuration.segmentations[0].kind else {
            Issue.record("expected listed segments")
            return
        }
        #expect(segments.map(\.name) == ["Buyers", "Rest"])  // defaulted from the keys
    }

    @Test func everyPlantedMistakeIsReportedAtItsPosition() {
        let yaml = """
        version: 1
        name: broken
        timezone: Europe/Berln
        base_currency: EUR
        segmentations:
          - key: lifecycle
            primary: true
            exclusiv: true
            segments:
              - key: loyal
                name: Loyal
                rule: "frequency >= 3 and monetry > 100"
              - key: loyal
                name: Loyal again
                rule: "recency_days <= "
              - key: rest
                name: Rest
                rule: "frequency >= 0"
          - key: rfm
            primary: true
            segments:
              - key: champions
                rule: "r_score >= 4 and country > 3"
              - key: big
                rule: |
                  frequency >= 2
                    and monetry > 10
              - key: other
                rule: "true"
        """
        #expect(issues(yaml) == [
            "pipelines/x.yml:3:11: unknown time zone 'Europe/Berln' (use an IANA name like Europe/Berlin) (did you mean 'Europe/Berlin'?)",
            "pipelines/x.yml:8:5: unknown key 'exclusiv' in segmentation (did you mean 'exclusive'?)",
            "pipelines/x.yml:12:35: rule of segment 'loyal': unknown feature 'monetry' (did you mean 'monetary'?)",
            "pipelines/x.yml:13:14: duplicate segment key 'loyal' (first at line 10, column 14)",
            "pipelines/x.yml:15:32: rule of segment 'loyal': expected a value, a feature name or '(', found end of expression",
            "pipelines/x.yml:16:9: exclusive segmentation 'lifecycle' must end with a catch-all segment (rule: \"true\") so every customer gets one",
            "pipelines/x.yml:20:5: segmentation 'rfm' is also marked primary ('lifecycle' already is); exactly one segmentation may be primary",
            "pipelines/x.yml:23:41: rule of segment 'champions': cannot compare text with number in '>'",
            "pipelines/x.yml:27:17: rule of segment 'big': unknown feature 'monetry' (did you mean 'monetary'?)",
        ])
    }

    @Test func sectionMistakesAreAllReported() {
        let yaml = """
        version: 2
        name: t
        timezone: UTC
        base_currency: eur
        sources:
          orders: { table: orders }
          sessions: { table: web.visits, query: "select 1" }
          sesions: { table: web.visits }
          chats: { query: "select * from x;" }
          carts: { table: shop.carts }
        cleaning:
          valid_statuses: [cancelled]
          max_order_total: -5
          test_accounts: { emails: [nobody], email_domains: ["@x.com"] }
        quality_gates:
          orders: { max_quarantine_rate: 2, min_rows: many, max_staleness: 2 days }
        output: { schema: "bad-schema" }
        segmentations:
          - key: Main
            primary: true
            segments:
              - { key: rest, rule: "true" }
        """
        #expect(issues(yaml) == [
            "pipelines/x.yml:1:10: unsupported version 2; this segflow reads version 1",
            "pipelines/x.yml:4:16: base_currency 'eur' must be a 3-letter upper-case ISO 4217 code like EUR",
            "pipelines/x.yml:6:20: table 'orders' must be written schema.table (letters, digits, '_')",
            "pipelines/x.yml:7:13: source 'sessions' has both 'table' and 'query'; give one",
            "pipelines/x.yml:8:3: unknown key 'sesions' in sources (did you mean 'sessions'?)",
            "pipelines/x.yml:9:19: source 'chats': the query must be a single SELECT: ';' would end it and start another statement",
            "pipelines/x.yml:10:3: unknown key 'carts' in sources",
            "pipelines/x.yml:12:19: valid_statuses must include 'completed': only completed orders are purchases",
            "pipelines/x.yml:13:20: max_order_total must be positive",
            "pipelines/x.yml:14:29: 'nobody' is not an e-mail address",
            "pipelines/x.yml:14:54: '@x.com' is not a domain (write the part after '@', like test.example.com)",
            "pipelines/x.yml:16:34: max_quarantine_rate must be between 0 and 1 (a share, not a percentage)",
            "pipelines/x.yml:16:47: 'min_rows' must be a whole number",
            "pipelines/x.yml:16:68: max_staleness '2 days' must be a whole number with a unit s, m, h, d or w, like 36h or 2d",
            "pipelines/x.yml:17:19: schema 'bad-schema' must be an identifier (letters, digits, '_')",
            "pipelines/x.yml:19:10: segmentation key 'Main' must be lower-case letters, digits and '_', starting with a letter",
        ])
    }

    @Test func segmentationShapeMistakes() {
        let yaml = """
        version: 1
        name: t
        timezone: UTC
        base_currency: EUR
        segmentations:
          - key: main
            exclusive: false
            primary: true
            segments:
              - { key: rest, rule: "true" }
              - { key: after, rule: "frequency > 1" }
          - key: fam
            family: frequency
          - key: fam2
            family: country
            segments: []
          - key: fam3
            family: country
            name_template: "Country"
            rule: "monetary"
          - key: listed
            name_template: "x {value}"
            segments:
              - { key: x, name: X }
              - { key: y, rule: "true" }
        """
        #expect(issues(yaml) == [
            "pipelines/x.yml:7:16: the primary segmentation must be exclusive (one lifecycle segment per customer)",
            "pipelines/x.yml:13:13: family feature 'frequency' must be text, not integer (text features: last_abandoned_category, preferred_channel, top_product_line, country, city, acquisition_channel, age_band, rfm_score)",
            "pipelines/x.yml:14:5: segmentation 'fam2' has both 'segments' and 'family'; give one",
            "pipelines/x.yml:19:20: name_template must contain {value}",
            "pipelines/x.yml:20:12: rule of segmentation 'fam3': a rule must be a boolean condition, but this expression is number",
            "pipelines/x.yml:22:5: 'name_template' belongs to family segmentations; segments carry their own",
            "pipelines/x.yml:24:9: segment 'x' is missing 'rule'",
        ])
    }

    @Test func missingRequiredKeysAndNoPrimary() {
        let yaml = """
        name: t
        segmentations:
          - key: main
            segments:
              - { key: rest, rule: "true" }
        """
        #expect(issues(yaml) == [
            "pipelines/x.yml:1:1: missing required key 'version'",
            "pipelines/x.yml:1:1: missing required key 'timezone'",
            "pipelines/x.yml:1:1: missing required key 'base_currency'",
            "pipelines/x.yml:3:3: no segmentation is marked 'primary: true'; exactly one must be",
        ])
    }

    @Test func unreachableSegmentsAfterACatchAll() {
        let yaml = Self.valid.replacingOccurrences(
            of: "      - { key: rest, rule: \"true\" }",
            with: "      - { key: rest, rule: \"true\" }\n      - { key: late, rule: \"frequency > 5\" }")
        #expect(issues(yaml) == [
            "pipelines/x.yml:11:9: segment 'late' can never match: 'rest' above it has rule 'true' and takes everyone left",
        ])
    }

    @Test func yamlSyntaxErrorsHaveAPosition() {
        let yaml = "version: 1\nname: [unclosed\ntimezone: UTC\n"
        let found = issues(yaml)
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("pipelines/x.yml:3:") == true, "\(found)")
        #expect(issues("") == ["pipelines/x.yml:1:1: the pipeline file is empty"])
        // A repeated key is reported at the repeat, and the rest of the file is still checked.
        let repeated = issues("version: 1\nversion: 2\n")
        #expect(repeated.contains("pipelines/x.yml:2:1: duplicate key 'version' in the same mapping (first at line 1, column 1)"),
                "\(repeated)")
        #expect(repeated.contains { $0.contains("missing required key 'name'") })
    }

    @Test func unreadableFilesAreReported() {
        #expect(throws: PipelineValidationError.self) {
            try PipelineConfiguration.load(path: "/nonexistent/pipeline.yml")
        }
    }

    @Test func quotedRulePositionsSkipEscapes() {
        // In single quotes '' is one quote; the unknown feature sits after it.
        let yaml = Self.valid.replacingOccurrences(
            of: "rule: \"frequency >= 1\"", with: "rule: 'country = ''x'' and monetry > 1'")
        #expect(issues(yaml) == [
            "pipelines/x.yml:9:51: rule of segment 'buyers': unknown feature 'monetry' (did you mean 'monetary'?)",
        ])
    }

    @Test func theModelsSectionIsReadAndWhatItOmitsKeepsItsDefault() throws {
        #expect(try PipelineConfiguration.parse(yaml: Self.valid).models == ModelSettings())
        let configuration = try PipelineConfiguration.parse(yaml: Self.valid + """

            models:
              purchase: mbg_nbd
              time_unit: weeks
              penalizer: 0.01
              clv: { margin: 0.25, horizon_months: 24 }
            """)
        #expect(configuration.models == ModelSettings(purchaseModel: .mbgNbd, timeUnit: .weeks, penalizer: 0.01,
                                                      margin: 0.25, clvHorizonMonths: 24))
        let off = try PipelineConfiguration.parse(yaml: Self.valid + "\nmodels: { enabled: false }")
        #expect(off.models == ModelSettings(enabled: false))
    }

    @Test func everyInvalidModelsValueIsReportedAtItsPosition() {
        let yaml = Self.valid + """

        models:
          enabled: maybe
          purchase: weibull
          time_unit: months
          penalizer: -1
          learning_rate: 0.1
          clv:
            margin: 30
            annual_discount_rate: 1.5
            horizon_months: 0
            currency: EUR
        """
        #expect(issues(yaml) == [
            "pipelines/x.yml:12:12: 'enabled' must be true or false",
            "pipelines/x.yml:13:13: unknown purchase model 'weibull' (one of bg_nbd, mbg_nbd, pareto_nbd)",
            "pipelines/x.yml:14:14: time_unit 'months' must be days or weeks",
            "pipelines/x.yml:15:14: penalizer must be a non-negative number (0: no penalty)",
            "pipelines/x.yml:16:3: unknown key 'learning_rate' in models",
            "pipelines/x.yml:18:13: margin must be a share of revenue in (0, 1], like 0.3",
            "pipelines/x.yml:19:27: annual_discount_rate must be a yearly rate in [0, 1), like 0.1 for 10%",
            "pipelines/x.yml:20:21: horizon_months must be between 1 and 120",
            "pipelines/x.yml:21:5: unknown key 'currency' in clv",
        ])
        // A typo of a purchase model gets a suggestion.
        #expect(issues(Self.valid + "\nmodels: { purchase: bg_nb }") == [
            "pipelines/x.yml:11:21: unknown purchase model 'bg_nb' (one of bg_nbd, mbg_nbd, pareto_nbd) (did you mean 'bg_nbd'?)",
        ])
    }

    @Test func rulesOnModelFeaturesAreCheckedLikeAnyFeature() throws {
        let rules = Self.valid.replacingOccurrences(
            of: "rule: \"frequency >= 1\"",
            with: "rule: \"p_aliv < 0.5 or predicted_next_order_date <= 'soon' or predicted_clv_365d >= p80(predicted_clv_365d)\"")
        #expect(issues(rules) == [
            "pipelines/x.yml:9:31: rule of segment 'buyers': unknown feature 'p_aliv' (did you mean 'p_alive'?)",
            "pipelines/x.yml:9:73: rule of segment 'buyers': cannot compare number with text in '<='",
        ])
        let valid = Self.valid.replacingOccurrences(
            of: "rule: \"frequency >= 1\"",
            with: "rule: \"p_alive >= 0.7 and predicted_next_order_date <= as_of + 14 and churn_risk < 0.3\"")
        #expect(issues(valid) == [])
    }
}
