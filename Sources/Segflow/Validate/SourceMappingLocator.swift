import Foundation
import SegflowEngine
import SegflowPipelineFile
import Yams

/// Finds each source's mapping in a pipeline file's YAML with its position, so that the
/// source tables can be checked (and problems placed) even when other parts of the file
/// have errors. Sources the file leaves out get the default `shop.<name>`, placed at the
/// `sources` key (or the top of the file).
struct SourceMappingLocator {
    struct Located: Sendable, Hashable {
        var source: SourceName
        var mapping: SourceMapping
        var line: Int
        var column: Int
        /// True when the file does not mention the source (the default table is used).
        var isDefault: Bool
    }

    /// Every source with a usable mapping; nil when the YAML does not compose. Sources
    /// whose mapping is itself malformed are left out (the file check reports them).
    static func locate(yaml: String) -> [Located]? {
        guard let root = (try? Yams.compose(yaml: yaml)) ?? nil, let top = root.mapping else { return nil }
        var sourcesKey: Node?
        var sourcesValue: Node?
        for (key, value) in top where key.scalar?.string == "sources" {
            sourcesKey = key
            sourcesValue = value
        }
        let fallback = sourcesKey?.mark ?? root.mark
        var given: [SourceName: (key: Node, value: Node)] = [:]
        for (key, value) in sourcesValue?.mapping ?? [:] {
            if let name = key.scalar?.string, let source = SourceName(rawValue: name) { given[source] = (key, value) }
        }

        var result: [Located] = []
        for source in SourceName.allCases {
            guard let entry = given[source] else {
                result.append(Located(source: source, mapping: .defaultTable(for: source),
                                      line: fallback?.line ?? 1, column: fallback?.column ?? 1, isDefault: true))
                continue
            }
            guard let fields = entry.value.mapping else { continue }
            var table: Node?
            var query: Node?
            for (key, value) in fields {
                switch key.scalar?.string {
                case "table": table = value
                case "query": query = value
                default: break
                }
            }
            switch (table, query) {
            case (.some(let node), nil):
                guard let name = node.scalar?.string else { continue }
                let parts = name.split(separator: ".", omittingEmptySubsequences: false)
                guard parts.count == 2, parts.allSatisfy({ PipelineFileReader.isIdentifier(String($0)) }) else { continue }
                result.append(Located(source: source, mapping: .table(name), line: node.mark?.line ?? 1,
                                      column: node.mark?.column ?? 1, isDefault: false))
            case (nil, .some(let node)):
                guard let sql = node.scalar?.string.trimmingCharacters(in: .whitespacesAndNewlines),
                      SourceQueryCheck.problem(in: sql) == nil else { continue }
                result.append(Located(source: source, mapping: .query(sql), line: node.mark?.line ?? 1,
                                      column: node.mark?.column ?? 1, isDefault: false))
            default:
                continue
            }
        }
        return result
    }
}
