import Testing

/// The default segment catalog (`pipelines/default.yml`) against the generator's planted
/// personas: every persona that maps to one segment (`PersonaRecovery.mappings`) is
/// recovered with precision and recall of at least 0.9. The confusion tables and the
/// scores are printed into the test output; `docs/segments.md` explains the mapping.
@Suite struct PersonaRecoveryTests {
    static let minimum = 0.9

    @Test func defaultCatalogRecoversPlantedPersonasOnCleanData() throws {
        let outcome = try PersonaRecovery.run(label: "clean data (seed 2024)", customers: 20_000, seed: 2024, dirtyRate: 0)
        check(outcome)
    }

    /// 2 % defective rows in every table: cleaning must quarantine or repair them without
    /// moving customers out of their segments.
    @Test func defaultCatalogRecoversPlantedPersonasOnDirtyData() throws {
        let outcome = try PersonaRecovery.run(label: "2 % defective rows (seed 7)", customers: 8_000, seed: 7, dirtyRate: 0.02)
        check(outcome)
    }

    private func check(_ outcome: PersonaRecovery.Outcome) {
        print(outcome.report)
        #expect(outcome.scores.count == PersonaRecovery.mappings.count)
        for score in outcome.scores {
            let pair = "\(score.mapping.truth) → \(score.mapping.segmentation)/\(score.mapping.segment)"
            #expect(score.actual >= 100, "\(pair): only \(score.actual) customers planted, too few to score")
            #expect(score.precision >= Self.minimum, "\(pair): precision \(score.precision) (\(score.truePositives) of \(score.predicted) members)")
            #expect(score.recall >= Self.minimum, "\(pair): recall \(score.recall) (\(score.truePositives) of \(score.actual) planted)")
        }
        // Every customer is in exactly one lifecycle segment; nobody is unknown to the generator.
        let lifecycleMembers = outcome.lifecycle.columns.reduce(0) { $0 + outcome.lifecycle.columnTotal($1) }
        #expect(lifecycleMembers == outcome.customers)
        #expect(outcome.lifecycle.counts[PersonaRecovery.unknown] == nil)
    }
}
