import Testing
@testable import SegflowPipelineFile

/// `models.purchase` accepts every purchase model SegflowModels offers (the reader lists them from
/// `PurchaseModelKind.allCases`), and names them when the value is unknown.
@Suite struct ModelsSectionPurchaseTests {
    private static func file(purchase: String) -> String {
        """
        version: 1
        name: t
        timezone: UTC
        base_currency: EUR
        models:
          purchase: \(purchase)
          time_unit: weeks
        segmentations:
          - key: main
            primary: true
            segments:
              - { key: rest, rule: "true" }
        """
    }

    @Test func paretoNbdIsAccepted() throws {
        for name in ["bg_nbd", "mbg_nbd", "pareto_nbd"] {
            let configuration = try PipelineConfiguration.parse(yaml: Self.file(purchase: name), file: "pipelines/x.yml")
            #expect(configuration.models.purchaseModel.rawValue == name)
        }
    }

    @Test func anUnknownNameListsTheModelsAtItsPosition() {
        do {
            _ = try PipelineConfiguration.parse(yaml: Self.file(purchase: "pareto"), file: "pipelines/x.yml")
            Issue.record("an unknown purchase model was accepted")
        } catch {
            let messages = error.issues.map(\.description)
            #expect(messages.count == 1)
            #expect(messages.first?.contains("pipelines/x.yml:6:13") == true, "\(messages)")
            #expect(messages.first?.contains("bg_nbd, mbg_nbd, pareto_nbd") == true, "\(messages)")
        }
    }
}
