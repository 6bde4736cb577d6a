/// A source's mapping and where the pipeline file gives it, for the source checks.
struct LocatedSource: Sendable, Hashable {
    var source: SourceName
    var mapping: SourceMapping
    var line: Int
    var column: Int
    /// True when the file does not mention the source (the default table is used).
    var isDefault: Bool

    /// Every source with a usable mapping in `mappings` (the reader's, valid even when other
    /// parts of the file are wrong), placed where `positions` says the file gives it. Sources
    /// the file leaves out get the default `shop.<name>`, placed at the `sources` key (or the
    /// top of the file); sources it maps badly are left out (the file check reports them).
    static func locate(mappings: [SourceName: SourceMapping], positions: PipelinePositions) -> [LocatedSource] {
        let fallback = positions.key("sources") ?? positions.value("") ?? .top
        return SourceName.allCases.compactMap { source in
            let path = "sources.\(source.rawValue)"
            guard positions.value(path) != nil else {
                return LocatedSource(source: source, mapping: .defaultTable(for: source), line: fallback.line,
                                     column: fallback.column, isDefault: true)
            }
            guard let mapping = mappings[source] else { return nil }
            let field = switch mapping {
            case .table: "table"
            case .query: "query"
            }
            let position = positions.value("\(path).\(field)") ?? fallback
            return LocatedSource(source: source, mapping: mapping, line: position.line, column: position.column,
                                 isDefault: false)
        }
    }
}
