import Testing
@testable import SegflowPipelineFile

/// Numbers the pipeline file reader used to let through into a trapping conversion.
@Suite struct PipelineNumberLimitTests {
    @Test func anAbsurdMaxOrderTotalIsAConfigurationError() {
        for value in ["1e300", "1000000000000"] {
            let yaml = """
                version: 1
                name: t
                timezone: UTC
                base_currency: EUR
                cleaning:
                  max_order_total: \(value)
                segmentations:
                  - key: main
                    primary: true
                    segments:
                      - { key: rest, rule: "true" }
                """
            var issues: [String] = []
            do { _ = try PipelineConfiguration.parse(yaml: yaml, file: "pipelines/x.yml") } catch { issues = error.issues.map(\.description) }
            #expect(issues == ["pipelines/x.yml:6:20: max_order_total must be at most 999999999999.99 (the output's money columns hold no more)"])
        }
    }
}
