import Foundation
import SegflowTestSupport
import SegflowModels
import Testing
@testable import SegflowEngine
@testable import SegflowPipelineFile

@Suite struct PipelineCatalogTests {
    @Test func defaultCatalogLoadsAndValidates() throws {
        let configuration = try PipelineConfiguration.load(path: RepositoryFiles.path("pipelines/default.yml"))
        #expect(configuration.name == "default")
        #expect(configuration.timeZone.name == "Europe/Berlin")
        #expect(configuration.baseCurrency == "EUR")
        #expect(configuration.segmentations.filter(\.isPrimary).map(\.key) == ["lifecycle"])
        #expect(configuration.segmentations.map(\.key)
            == ["lifecycle", "overlays", "product_line", "location", "preferred_channel", "abandoned_category", "rfm",
                "chat_persona", "behaviour_clusters"])
        #expect(configuration.qualityGates[.orders]?.maxStaleness?.seconds == 2 * 86_400)
        #expect(configuration.qualityGates[.orders]?.maxQuarantineRate == 0.02)
        #expect(configuration.cleaning.testAccounts.emailDomains == ["test.shop.example", "shop-staff.example"])
        #expect(configuration.sources[.fxRates] == .table("shop.fx_rates"))
        #expect(configuration.models == ModelSettings(purchaseModel: .bgNbd, timeUnit: .days, penalizer: 0.0001, margin: 0.3,
                                                      annualDiscountRate: 0.1, clvHorizonMonths: 12))
    }

    @Test func everyCatalogSegmentIsDocumentedWithActions() throws {
        let configuration = try PipelineConfiguration.load(path: RepositoryFiles.path("pipelines/default.yml"))
        for segmentation in configuration.segmentations {
            switch segmentation.kind {
            case .segments(let segments):
                for segment in segments {
                    #expect(!(segment.description ?? "").isEmpty, "\(segment.key)")
                    #expect((2...4).contains(segment.actions.count) || segment.rule.isCatchAll, "\(segment.key)")
                    #expect(!segment.actions.isEmpty, "\(segment.key)")
                }
            case .family(let family):
                #expect(family.nameTemplate.contains("{value}"))
                #expect(!family.actions.isEmpty)
            case .clusters(let clusters):
                #expect(!(segmentation.description ?? "").isEmpty, "\(segmentation.key)")
                #expect(clusters.features.count >= 2, "\(segmentation.key)")
            }
        }
    }

    @Test func catalogNeedsOnlyAFewPopulationStatistics() throws {
        let configuration = try PipelineConfiguration.load(path: RepositoryFiles.path("pipelines/default.yml"))
        #expect(configuration.populationStatistics.map(\.description).sorted() == ["avg(monetary)", "p80(monetary)", "p90(monetary)"])
    }

    @Test func customSourcesExampleUsesQueries() throws {
        let configuration = try PipelineConfiguration.load(
            path: RepositoryFiles.path("pipelines/examples/custom-sources.yml"))
        guard case .query(let sql) = configuration.sources[.sessions] else {
            Issue.record("sessions should be a query")
            return
        }
        #expect(sql.hasPrefix("select v.visit_id as session_id"))
        #expect(configuration.sources[.customers] == .table("crm.customers"))
        #expect(configuration.sources[.products] == .table("shop.products"))  // default
        #expect(configuration.qualityGates[.sessions]?.maxStaleness?.seconds == 36 * 3600)
        #expect(configuration.qualityGates[.chats]?.maxStaleness?.seconds == 90 * 60)
        #expect(configuration.sources[.sessions]?.fromClause.hasSuffix(") as source") == true)
    }

    @Test func configHashIgnoresCommentsFormattingAndKeyOrder() throws {
        let a = """
        version: 1
        name: x
        timezone: UTC
        base_currency: EUR
        segmentations:
          - key: main
            primary: true
            segments:
              - { key: buyers, name: Buyers, rule: "frequency>=1" }
              - { key: rest, name: Rest, rule: "true" }
        """
        let b = """
        # the same pipeline, written differently
        base_currency: EUR
        name: x
        version: 1
        timezone: UTC
        segmentations:
          - primary: true
            key: main
            exclusive: true
            segments:
              - key: buyers
                name: Buyers
                rule: |
                  frequency >= 1  -- any purchase
              - key: rest
                name: Rest
                rule: 'TRUE'
        """
        let first = try PipelineConfiguration.parse(yaml: a)
        let second = try PipelineConfiguration.parse(yaml: b)
        #expect(first.configHash == second.configHash)
        #expect(first.configHash.count == 64)
        let changed = try PipelineConfiguration.parse(yaml: a.replacingOccurrences(of: ">=1", with: ">=2"))
        #expect(changed.configHash != first.configHash)
    }

    @Test func sha256MatchesKnownVectors() {
        #expect(SHA256.hex(Array("".utf8)) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let long = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
        #expect(SHA256.hex(Array(long.utf8)) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func durationsTakeAUnit() {
        #expect(PipelineDuration("2d")?.seconds == 172_800)
        #expect(PipelineDuration("36h")?.seconds == 129_600)
        #expect(PipelineDuration("90m")?.seconds == 5400)
        #expect(PipelineDuration("45s")?.seconds == 45)
        #expect(PipelineDuration("1w")?.seconds == 604_800)
        #expect(PipelineDuration("2") == nil)
        #expect(PipelineDuration("d") == nil)
        #expect(PipelineDuration("2days") == nil)
        #expect(PipelineDuration("-1d") == nil)
    }
}
