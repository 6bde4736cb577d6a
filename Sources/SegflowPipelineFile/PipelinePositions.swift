import Yams

/// Where each setting of a pipeline file is written: the 1-based line and column of every
/// key and value, by path in the spelling of `canonicalRendering` (`sources.orders.table`,
/// `segmentations[0].segments[2].rule`; `""` is the document itself).
///
/// Recorded by the reader in one walk of the composed file, so the checks that run later
/// (`validate`'s source and output-schema checks, `run`'s source check) place their
/// problems without reading the file again.
public struct PipelinePositions: Sendable, Hashable {
    public struct Position: Sendable, Hashable {
        public var line: Int
        public var column: Int

        public static let top = Position(line: 1, column: 1)
    }

    private var values: [String: Position] = [:]
    private var keys: [String: Position] = [:]

    public init() {}

    init(root: Node) {
        record(root, path: "")
    }

    /// Where the value at `path` starts; nil when the file does not give it.
    public func value(_ path: String) -> Position? { values[path] }

    /// Where the key of the setting at `path` is written; nil when the file does not give it.
    public func key(_ path: String) -> Position? { keys[path] }

    private mutating func record(_ node: Node, path: String) {
        if let mark = node.mark { values[path] = Position(line: mark.line, column: mark.column) }
        if let mapping = node.mapping {
            for (key, value) in mapping {
                guard let name = key.scalar?.string else { continue }
                let child = path.isEmpty ? name : "\(path).\(name)"
                if let mark = key.mark { keys[child] = Position(line: mark.line, column: mark.column) }
                record(value, path: child)
            }
        } else if let sequence = node.sequence {
            for (index, item) in sequence.enumerated() { record(item, path: "\(path)[\(index)]") }
        }
    }
}
