import Foundation
@testable import Segflow
@testable import SegflowEngine
import SegflowTestSupport
import Testing

@Suite struct FeatureCatalogTests {
    @Test func featureNamesAreUniqueSnakeCase() {
        let names = FeatureCatalog.all.map(\.name)
        #expect(Set(names).count == names.count)
        for name in names {
            #expect(name.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "_" }, "\(name)")
        }
    }

    /// `FeatureKey.index` is the case ordinal; the columns of `FeatureColumns` rely on it.
    @Test func everyKeyIndexIsItsPositionAmongTheColumns() {
        for (position, key) in FeatureKey.allCases.enumerated() {
            #expect(key.index == position, "\(key)")
            #expect(FeatureKey(index: position) == key)
            #expect(FeatureCatalog.all[position].key == key)
        }
    }

    /// The model features come after every builder feature (so the reference SQL's columns are a
    /// prefix of customer_features), and the two lists split the catalog.
    @Test func modelFeaturesAreTheLastColumnsAndTheOnlyOnesOfOriginModel() {
        #expect(FeatureCatalog.predicted.map(\.name) == [
            "p_alive", "churn_risk", "expected_purchases_30d", "expected_purchases_90d", "expected_purchases_365d",
            "expected_avg_order_value", "predicted_clv_365d", "predicted_next_order_date",
        ])
        #expect(FeatureCatalog.built + FeatureCatalog.predicted == FeatureCatalog.all)
        #expect(FeatureCatalog.predicted.allSatisfy { $0.kind == .real || $0.kind == .date })
    }

    /// The feature table of docs/semantics.md lists exactly the declared features, each
    /// with its column type and its description (the column comment), in any order.
    @Test func docsFeatureTableMatchesTheDeclarations() throws {
        let page = try String(contentsOfFile: RepositoryFiles.path("docs/semantics.md"), encoding: .utf8)
        let lines = page.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let header = try #require(lines.firstIndex(of: "| feature | type | definition |"), "no feature table in docs/semantics.md")
        let documented = Array(lines[(header + 2)...].prefix { $0.hasPrefix("|") })
        let declared = FeatureCatalog.markdownRows
        #expect(documented.sorted() == declared.sorted(),
                "missing from docs: \(Set(declared).subtracting(documented).sorted()); not declared: \(Set(documented).subtracting(declared).sorted())")
    }
}
