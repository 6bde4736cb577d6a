import Foundation
import Testing
@testable import SegflowRules

/// Inputs `make fuzz` found, kept as regression tests (the same files are in Fuzz/Corpus/).
@Suite struct FuzzFindingsTests {
    /// fuzz-expression, a timeout: a rule full of unknown names, each compared with every
    /// feature and function for a "did you mean"; candidates whose length alone rules them out
    /// are now skipped.
    @Test func aRuleOfUnknownNamesIsRejectedPromptly() throws {
        let text = "frequenXXXXXXXXXXXXXXXXXXXand -onetary >= p0w(monetary) and aov >= 200 and rXXXXXXX= 5 and "
            + "-onetary >= p0w(monetary) and aov >= 200 and recenSebstretringcLda <= 360"
        let start = ContinuousClock.now
        var messages: [String] = []
        do {
            _ = try RuleExpression(text)
        } catch {
            messages = error.errors.map(\.message)
        }
        #expect(ContinuousClock.now - start < .seconds(2))
        #expect(messages.contains("unknown feature 'frequenXXXXXXXXXXXXXXXXXXXand'"), "\(messages)")
        #expect(messages.contains { $0.hasPrefix("unknown function 'p0w'") }, "\(messages)")
    }
}
