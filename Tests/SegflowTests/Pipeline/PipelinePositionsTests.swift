import Foundation
import Testing
@testable import Segflow
@testable import SegflowPipelineFile

/// The positions the one pipeline-file reader records, which `validate`'s source and
/// output-schema checks and `run`'s source check place their problems at.
@Suite struct PipelinePositionsTests {
    private static let yaml = """
        version: 1
        name: x
        timezone: Europe/Berlin
        base_currency: EUR
        sources:
          orders:
            table: shop.orders
          sessions: { query: "select * from shop.sessions" }
        output:
          schema: out
        segmentations:
          - key: main
            primary: true
            segments:
              - { key: buyers, rule: "frequency >= 1" }
              - { key: rest, rule: "true" }
        """

    @Test func everyKeyAndValueIsRecordedByItsPath() throws {
        let read = PipelineConfiguration.read(yaml: Self.yaml, file: "p.yml")
        let positions = read.positions
        #expect(positions.key("sources") == .init(line: 5, column: 1))
        #expect(positions.value("sources.orders.table") == .init(line: 7, column: 12))
        #expect(positions.value("sources.sessions.query") == .init(line: 8, column: 22))
        #expect(positions.value("output.schema") == .init(line: 10, column: 11))
        #expect(positions.key("segmentations[0].primary") == .init(line: 13, column: 5))
        #expect(positions.value("segmentations[0].segments[1].rule") == .init(line: 16, column: 28))
        #expect(positions.value("cleaning") == nil)
        // The configuration keeps them; the hash does not see them.
        let configuration = try #require(read.configuration)
        #expect(configuration.positions == positions)
        #expect(configuration.timeZone.name == "Europe/Berlin")
        #expect(configuration.timeZone.zone.identifier == "Europe/Berlin")
        let reformatted = try PipelineConfiguration.parse(yaml: "# moved\n" + Self.yaml)
        #expect(reformatted.positions != positions && reformatted.configHash == configuration.configHash)
    }

    @Test func sourceChecksArePlacedWhereTheFileMapsEachSource() throws {
        let configuration = try PipelineConfiguration.parse(yaml: Self.yaml, file: "p.yml")
        let located = LocatedSource.locate(mappings: configuration.sources, positions: configuration.positions)
        #expect(located.count == SourceName.allCases.count)
        let orders = try #require(located.first { $0.source == .orders })
        #expect((orders.line, orders.column, orders.isDefault) == (7, 12, false))
        let sessions = try #require(located.first { $0.source == .sessions })
        #expect((sessions.line, sessions.column, sessions.isDefault) == (8, 22, false))
        // Left out of the file: the default table, placed at the `sources` key.
        let chats = try #require(located.first { $0.source == .chats })
        #expect((chats.mapping, chats.line, chats.column, chats.isDefault) == (.defaultTable(for: .chats), 5, 1, true))
    }

    @Test func aBrokenFileStillGivesTheSourcesAndSchemaThatReadWell() {
        let broken = Self.yaml
            .replacingOccurrences(of: "table: shop.orders", with: "table: not-a-table")
            .replacingOccurrences(of: "timezone: Europe/Berlin", with: "timezone: Mars/Olympus")
        let read = PipelineConfiguration.read(yaml: broken, file: "p.yml")
        #expect(read.configuration == nil)
        #expect(read.issues.map(\.code).sorted() == ["invalid_value", "unknown_time_zone"])
        #expect(read.outputSchema == "out")
        let located = LocatedSource.locate(mappings: read.sourceMappings ?? [:], positions: read.positions)
        // The malformed mapping is left out (the file check reports it); the others are checked.
        #expect(!located.contains { $0.source == .orders })
        #expect(located.contains { $0.source == .sessions && $0.line == 8 })
        // A repeated key: the file does not compose as written, nothing is checked.
        let repeated = PipelineConfiguration.read(yaml: Self.yaml + "\nname: y\n", file: "p.yml")
        #expect(repeated.sourceMappings == nil)
        #expect(repeated.issues.contains { $0.code == "duplicate_key" })
    }
}
