import Foundation
@testable import Segflow
import SegflowTestSupport
import Testing

/// docs/semantics.md and `QuarantineReason` name the same reasons: the list of reasons
/// has exactly the enum's codes, and every reason a per-source table gives is one of them.
@Suite struct QuarantineReasonTests {
    @Test func docsListExactlyTheTypedReasons() throws {
        let page = try String(contentsOfFile: RepositoryFiles.path("docs/semantics.md"), encoding: .utf8)
        let lines = page.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let header = try #require(lines.firstIndex(of: "| reason | the row… |"), "no reason list in docs/semantics.md")
        let listed = lines[(header + 2)...].prefix { $0.hasPrefix("|") }.map { Self.codes(in: Self.cells($0)[0]) }
        #expect(listed.allSatisfy { $0.count == 1 })
        #expect(listed.flatMap { $0 } == QuarantineReason.allCases.map(\.rawValue))

        // The per-source tables ("| check | action | reason |"): their reasons are typed ones.
        var used = Set<String>()
        var inTable = false
        for line in lines {
            if line == "| check | action | reason |" { inTable = true; continue }
            guard inTable, line.hasPrefix("|") else { inTable = false; continue }
            guard !line.hasPrefix("|---") else { continue }
            used.formUnion(Self.codes(in: Self.cells(line)[2]))
        }
        #expect(!used.isEmpty)
        #expect(used.subtracting(QuarantineReason.allCases.map(\.rawValue)).isEmpty, "\(used.sorted())")
    }

    private static func cells(_ line: String) -> [String] {
        line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// The backticked words of a cell: `missing_key`.
    private static func codes(in cell: String) -> [String] {
        cell.split(separator: "`", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
    }
}
