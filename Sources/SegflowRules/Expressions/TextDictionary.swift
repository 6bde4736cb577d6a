/// A text column as sorted distinct values plus one code per row (-1 for null).
///
/// Text predicates are evaluated once per distinct value instead of once per row, and
/// families read their values from here.
public struct TextDictionary: Sendable, Hashable {
    /// Distinct non-null values, sorted.
    public let values: [String]
    /// Per row: index into `values`, or -1 for null.
    public let codes: [Int32]

    public init(_ column: [String?]) {
        var firstSeen: [String: Int32] = [:]
        // Segment-style columns have few values: comparing against them beats hashing.
        var few: [String] = []
        let fewLimit = 24
        var provisional = [Int32](repeating: -1, count: column.count)
        rows: for (row, value) in column.enumerated() {
            guard let value else { continue }
            if firstSeen.count <= fewLimit {
                for (code, known) in few.enumerated() where known == value {
                    provisional[row] = Int32(code)
                    continue rows
                }
            }
            if let code = firstSeen[value] {
                provisional[row] = code
            } else {
                let code = Int32(firstSeen.count)
                firstSeen[value] = code
                provisional[row] = code
                if firstSeen.count <= fewLimit { few.append(value) }
            }
        }
        let sorted = firstSeen.keys.sorted()
        var remap = [Int32](repeating: -1, count: sorted.count)
        for (rank, value) in sorted.enumerated() {
            if let code = firstSeen[value] { remap[Int(code)] = Int32(rank) }
        }
        values = sorted
        codes = provisional.map { $0 < 0 ? -1 : remap[Int($0)] }
    }
}
