import Foundation
import Testing
@testable import SegflowPipelineFile
@testable import SegflowRules

/// Control groups (docs/semantics.md, "Control groups"): the documented hash, checked like a
/// statistician would — shares within binomial bounds, independence across segments — and the
/// pipeline file's `control_share` / `control_salt`.
@Suite struct ControlGroupTests {
    /// Values of the function as written in docs/semantics.md, computed independently (Python,
    /// arbitrary-precision integers modulo 2^64) from the text, not from this implementation.
    @Test func theHashIsTheDocumentedFunction() {
        let group = ControlGroup(share: 0.05)
        let seed = group.seed(segmentationKey: "lifecycle", segmentKey: "loyal")
        #expect(seed == 0xEFD0_EF6B_B499_E784)
        #expect(ControlGroup.unit(customerID: 1, seed: seed) == 0.049686724184348496)
        #expect(ControlGroup.unit(customerID: 42, seed: seed) == 0.012595258793771325)
        #expect(ControlGroup.unit(customerID: -7, seed: seed) == 0.03039439818047307)
        // u < share decides: 1 is in (0.0497 < 0.05), at a share of 0.04 it is not.
        #expect(group.isControl(customerID: 1, seed: seed))
        #expect(!ControlGroup(share: 0.04).isControl(customerID: 1, seed: seed))
        #expect(!ControlGroup(share: 0).isControl(customerID: 42, seed: seed))
    }

    /// |count − n·p| ≤ 4 standard deviations of Binomial(n, p).
    private func withinBinomialBounds(_ count: Int, n: Int, p: Double) -> Bool {
        abs(Double(count) - Double(n) * p) <= 4 * (Double(n) * p * (1 - p)).squareRoot()
    }

    @Test func sharesAreWithinBinomialBounds() {
        let n = 100_000
        for (share, segment) in [(0.1, "loyal"), (0.25, "vip"), (0.02, "lapsed")] {
            let group = ControlGroup(share: share)
            let seed = group.seed(segmentationKey: "lifecycle", segmentKey: segment)
            // Consecutive ids, as a store's customers have.
            let count = (1...Int64(n)).count { group.isControl(customerID: $0, seed: seed) }
            #expect(withinBinomialBounds(count, n: n, p: share), "\(segment): \(count) of \(n) at \(share)")
        }
        // The unit values are uniform: each tenth of [0, 1) holds its tenth (within bounds).
        let seed = ControlGroup(share: 0.1).seed(segmentationKey: "channel", segmentKey: "email")
        var deciles = [Int](repeating: 0, count: 10)
        for id in 1...Int64(n) { deciles[Int(ControlGroup.unit(customerID: id, seed: seed) * 10)] += 1 }
        for count in deciles { #expect(withinBinomialBounds(count, n: n, p: 0.1), "\(deciles)") }
    }

    @Test func flagsOfTwoSegmentsAreIndependent() {
        let n = 100_000
        let a = ControlGroup(share: 0.1), b = ControlGroup(share: 0.2)
        let seedA = a.seed(segmentationKey: "lifecycle", segmentKey: "loyal")
        let seedB = b.seed(segmentationKey: "channel", segmentKey: "email")
        // Same segment key in another segmentation, and the same segment under another salt: other seeds.
        #expect(seedA != a.seed(segmentationKey: "other", segmentKey: "loyal"))
        #expect(seedA != ControlGroup(share: 0.1, salt: "campaign-2").seed(segmentationKey: "lifecycle", segmentKey: "loyal"))
        var both = 0, onlyA = 0, onlyB = 0
        for id in 1...Int64(n) {
            let x = a.isControl(customerID: id, seed: seedA), y = b.isControl(customerID: id, seed: seedB)
            if x && y { both += 1 } else if x { onlyA += 1 } else if y { onlyB += 1 }
        }
        #expect(withinBinomialBounds(both, n: n, p: 0.1 * 0.2), "joint \(both)")
        #expect(withinBinomialBounds(onlyA, n: n, p: 0.1 * 0.8), "\(onlyA)")
        #expect(withinBinomialBounds(onlyB, n: n, p: 0.9 * 0.2), "\(onlyB)")
        // Another salt re-draws the group: the overlap with the first draw is the independent one.
        let salted = ControlGroup(share: 0.1, salt: "campaign-2")
        let saltedSeed = salted.seed(segmentationKey: "lifecycle", segmentKey: "loyal")
        let overlap = (1...Int64(n)).count { a.isControl(customerID: $0, seed: seedA) && salted.isControl(customerID: $0, seed: saltedSeed) }
        #expect(withinBinomialBounds(overlap, n: n, p: 0.01), "\(overlap)")
    }

    // MARK: The pipeline file

    private static func file(share: String, salt: String? = nil) -> String {
        """
        version: 1
        name: t
        timezone: UTC
        base_currency: EUR
        \(salt.map { "control_salt: \($0)\n" } ?? "")segmentations:
          - key: main
            primary: true
            segments:
              - key: buyers
                rule: "frequency >= 1"
                control_share: \(share)
              - { key: rest, rule: "true" }
        """
    }

    private func issues(_ yaml: String) -> [String] {
        do {
            _ = try PipelineConfiguration.parse(yaml: yaml, file: "pipelines/x.yml")
            return []
        } catch {
            return error.issues.map(\.description)
        }
    }

    private func control(_ yaml: String) throws -> ControlGroup? {
        let configuration = try PipelineConfiguration.parse(yaml: yaml)
        guard case .segments(let segments) = configuration.segmentations[0].kind else { return nil }
        return segments[0].control
    }

    @Test func controlShareIsReadWithTheSalt() throws {
        #expect(try control(Self.file(share: "0.1")) == ControlGroup(share: 0.1, salt: ControlGroup.defaultSalt))
        #expect(try control(Self.file(share: "0.25", salt: "spring-2026")) == ControlGroup(share: 0.25, salt: "spring-2026"))
        #expect(try control(Self.file(share: "0")) == nil)
    }

    @Test func badControlSharesAreReportedAtTheirPosition() {
        #expect(issues(Self.file(share: "1")) == [
            "pipelines/x.yml:11:24: 'control_share' must be at least 0 and less than 1 (a share of the members, e.g. 0.1), not 1",
        ])
        #expect(issues(Self.file(share: "-0.1")) == [
            "pipelines/x.yml:11:24: 'control_share' must be at least 0 and less than 1 (a share of the members, e.g. 0.1), not -0.1",
        ])
        #expect(issues(Self.file(share: "\"0.1\"")) == ["pipelines/x.yml:11:24: 'control_share' must be a number"])
        #expect(issues(Self.file(share: "0.1", salt: "\"\"")).first?.hasPrefix("pipelines/x.yml:5:15: ") == true)
        // Families (and clusters) have no control groups: the key is unknown there.
        let family = """
        version: 1
        name: t
        timezone: UTC
        base_currency: EUR
        segmentations:
          - key: main
            primary: true
            segments:
              - { key: rest, rule: "true" }
          - key: by_country
            family: country
            control_share: 0.1
        """
        let familyIssues = issues(family)
        #expect(familyIssues.count == 1)
        #expect(familyIssues.first?.hasPrefix("pipelines/x.yml:12:5: ") == true, "\(familyIssues)")
    }

    @Test func theConfigHashCountsAControlGroupOnlyWhenThereIsOne() throws {
        let without = try PipelineConfiguration.parse(yaml: Self.file(share: "0"))
        let plain = try PipelineConfiguration.parse(yaml: Self.file(share: "0").replacingOccurrences(of: "        control_share: 0\n", with: ""))
        #expect(without.configHash == plain.configHash)
        #expect(!without.canonicalRendering.contains("control"))
        let ten = try PipelineConfiguration.parse(yaml: Self.file(share: "0.1"))
        let twenty = try PipelineConfiguration.parse(yaml: Self.file(share: "0.2"))
        let salted = try PipelineConfiguration.parse(yaml: Self.file(share: "0.1", salt: "spring-2026"))
        #expect(Set([plain.configHash, ten.configHash, twenty.configHash, salted.configHash]).count == 4)
    }
}
