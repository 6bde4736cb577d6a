/// Rows grouped by a dense key (a customer or order row number) with a counting sort:
/// the rows of key `k` are `rows[start[k]..<start[k + 1]]`, in row order.
struct GroupIndex: Sendable {
    private(set) var start: [Int32]
    private(set) var rows: [Int32]

    init() {
        start = [0]
        rows = []
    }

    /// Groups rows `0..<rowCount` by `key(row)`; rows whose key is nil are left out.
    init(keyCount: Int, rowCount: Int, key: (Int) -> Int32?) {
        var counts = [Int32](repeating: 0, count: keyCount + 1)
        for row in 0..<rowCount {
            if let key = key(row) { counts[Int(key) + 1] += 1 }
        }
        for index in 1..<counts.count { counts[index] += counts[index - 1] }
        var next = counts
        var grouped = [Int32](repeating: 0, count: Int(counts[keyCount]))
        for row in 0..<rowCount {
            guard let key = key(row) else { continue }
            grouped[Int(next[Int(key)])] = Int32(row)
            next[Int(key)] += 1
        }
        start = counts
        rows = grouped
    }

    @inline(__always)
    func rows(of key: Int32) -> ArraySlice<Int32> {
        rows[Int(start[Int(key)])..<Int(start[Int(key) + 1])]
    }

    /// Sorts the rows within each group.
    mutating func sortWithinGroups(by areInIncreasingOrder: (Int32, Int32) -> Bool) {
        for key in 0..<(start.count - 1) {
            let range = Int(start[key])..<Int(start[key + 1])
            if range.count > 1 { rows[range].sort(by: areInIncreasingOrder) }
        }
    }
}
