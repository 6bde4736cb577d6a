import Testing
@testable import SegflowEngine

@Suite struct FeatureCatalogTests {
    @Test func featureNamesAreUniqueSnakeCase() {
        let names = FeatureCatalog.all.map(\.name)
        #expect(Set(names).count == names.count)
        for name in names {
            #expect(name.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "_" }, "\(name)")
        }
    }
}
