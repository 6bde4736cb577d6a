/// The distinct values of a sequence and each element's index into them. Whole non-negative numbers
/// below 2²² (days) take a direct table; anything else a dictionary. Values are numbered in order of
/// first appearance, so the result depends only on the sequence.
struct DistinctValues {
    var values: [Double] = []
    var indices: [Int32] = []

    init(_ sequence: [Double]) {
        indices.reserveCapacity(sequence.count)
        let limit = Double(1 << 22)
        if sequence.allSatisfy({ $0 >= 0 && $0 < limit && $0.rounded(.down) == $0 }) {
            var slot = [Int32](repeating: -1, count: Int(sequence.max() ?? 0) + 1)
            for value in sequence {
                let key = Int(value)
                if slot[key] < 0 {
                    slot[key] = Int32(values.count)
                    values.append(value + 0)
                }
                indices.append(slot[key])
            }
        } else {
            var slot: [Double: Int32] = [:]
            for value in sequence {
                if let index = slot[value] {
                    indices.append(index)
                } else {
                    slot[value] = Int32(values.count)
                    indices.append(Int32(values.count))
                    values.append(value)
                }
            }
        }
    }
}
