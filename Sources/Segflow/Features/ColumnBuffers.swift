/// Feature columns that parallel workers fill at disjoint rows without locks
/// (plain arrays would copy-on-write or trip exclusivity checks across threads).
final class ColumnBuffers: @unchecked Sendable {
    private let rows: Int
    private var numbers: [UnsafeMutableBufferPointer<Double>] = []
    private var texts: [UnsafeMutableBufferPointer<String?>] = []
    private let isText: [Bool]

    init(rows: Int) {
        self.rows = rows
        isText = FeatureCatalog.all.map { $0.kind == .text }
        for text in isText {
            if text {
                let buffer = UnsafeMutableBufferPointer<String?>.allocate(capacity: rows)
                buffer.initialize(repeating: nil)
                texts.append(buffer)
                numbers.append(UnsafeMutableBufferPointer(start: nil, count: 0))
            } else {
                let buffer = UnsafeMutableBufferPointer<Double>.allocate(capacity: rows)
                buffer.initialize(repeating: .nan)
                numbers.append(buffer)
                texts.append(UnsafeMutableBufferPointer(start: nil, count: 0))
            }
        }
    }

    @inline(__always)
    func set(_ key: FeatureKey, _ row: Int, _ value: Double) {
        numbers[key.index][row] = value
    }

    @inline(__always)
    func setText(_ key: FeatureKey, _ row: Int, _ value: String?) {
        texts[key.index][row] = value
    }

    func makeFeatureColumns(customerIDs: [Int64]) -> FeatureColumns {
        FeatureColumns(
            customerIDs: customerIDs,
            numbers: numbers.map { Array($0) },
            texts: texts.map { Array($0) }
        )
    }

    func deallocate() {
        for (index, text) in isText.enumerated() {
            if text {
                texts[index].deinitialize()
                texts[index].deallocate()
            } else {
                numbers[index].deallocate()
            }
        }
    }
}
