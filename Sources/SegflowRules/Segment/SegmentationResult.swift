/// The segments of one segmentation and which rows belong to them.
public struct SegmentationResult: Sendable {
    /// Compact membership storage.
    public enum Memberships: Sendable, Equatable {
        /// Per row, the index into `segments`, or -1 for none (exclusive and family).
        case exclusive([Int32])
        /// Parallel arrays of (row, segment index) pairs, ordered by row then segment.
        case overlapping(rows: [Int32], segments: [Int32])
    }

    public var key: String
    public var name: String
    public var isPrimary: Bool
    public var isExclusive: Bool
    /// Listed segments in file order, or family values present, sorted.
    public var segments: [ResolvedSegment]
    public var memberships: Memberships

    public init(key: String, name: String, isPrimary: Bool, isExclusive: Bool, segments: [ResolvedSegment],
                memberships: Memberships) {
        self.key = key
        self.name = name
        self.isPrimary = isPrimary
        self.isExclusive = isExclusive
        self.segments = segments
        self.memberships = memberships
    }

    /// Members per segment, by segment index.
    public var sizes: [Int] {
        var sizes = [Int](repeating: 0, count: segments.count)
        switch memberships {
        case .exclusive(let indices):
            for index in indices where index >= 0 { sizes[Int(index)] += 1 }
        case .overlapping(_, let indices):
            for index in indices { sizes[Int(index)] += 1 }
        }
        return sizes
    }

    /// Number of (row, segment) memberships.
    public var membershipCount: Int {
        switch memberships {
        case .exclusive(let indices): indices.reduce(0) { $0 + ($1 >= 0 ? 1 : 0) }
        case .overlapping(let rows, _): rows.count
        }
    }

    /// Segment indices of one row.
    public func segmentIndices(row: Int) -> [Int] {
        switch memberships {
        case .exclusive(let indices):
            guard row < indices.count, indices[row] >= 0 else { return [] }
            return [Int(indices[row])]
        case .overlapping(let rows, let indices):
            // Rows are sorted: binary search for the first pair of this row.
            var low = 0
            var high = rows.count
            while low < high {
                let middle = (low + high) / 2
                if rows[middle] < Int32(row) { low = middle + 1 } else { high = middle }
            }
            var result: [Int] = []
            while low < rows.count, rows[low] == Int32(row) {
                result.append(Int(indices[low]))
                low += 1
            }
            return result
        }
    }

    /// Segment keys of one row.
    public func segmentKeys(row: Int) -> [String] {
        segmentIndices(row: row).map { segments[$0].key }
    }
}
