/// Feature columns that parallel workers fill at disjoint rows without locks
/// (plain arrays would copy-on-write or trip exclusivity checks across threads).
///
/// The buffers are the storage of the arrays that become `FeatureColumns`, so a snapshot's
/// features are held once, not once here and once more in the result.
final class ColumnBuffers: @unchecked Sendable {
    private let numbers: [UnsafeMutableBufferPointer<Double>]
    private let texts: [UnsafeMutableBufferPointer<String?>]

    private init(numbers: [UnsafeMutableBufferPointer<Double>], texts: [UnsafeMutableBufferPointer<String?>]) {
        self.numbers = numbers
        self.texts = texts
    }

    /// Allocates every catalog column with `rows` rows (numbers NaN, texts nil), lets `fill`
    /// write them, and returns them as the arrays of `FeatureColumns`.
    static func fill(rows: Int, _ fill: (ColumnBuffers) -> Void) -> (numbers: [[Double]], texts: [[String?]]) {
        let isText = FeatureKey.allCases.map { $0.kind == .text }
        var numbers = [[Double]](repeating: [], count: isText.count)
        var texts = [[String?]](repeating: [], count: isText.count)
        var numberBuffers = [UnsafeMutableBufferPointer<Double>](repeating: .init(start: nil, count: 0), count: isText.count)
        var textBuffers = [UnsafeMutableBufferPointer<String?>](repeating: .init(start: nil, count: 0), count: isText.count)
        // Each column's storage is valid only inside its initializer's closure: nest them, one per feature.
        func allocate(from index: Int) {
            guard index < isText.count else {
                fill(ColumnBuffers(numbers: numberBuffers, texts: textBuffers))
                return
            }
            if isText[index] {
                texts[index] = [String?](unsafeUninitializedCapacity: rows) { buffer, count in
                    buffer.initialize(repeating: nil)
                    textBuffers[index] = buffer
                    allocate(from: index + 1)
                    count = rows
                }
            } else {
                numbers[index] = [Double](unsafeUninitializedCapacity: rows) { buffer, count in
                    buffer.initialize(repeating: .nan)
                    numberBuffers[index] = buffer
                    allocate(from: index + 1)
                    count = rows
                }
            }
        }
        allocate(from: 0)
        return (numbers, texts)
    }

    @inline(__always)
    func set(_ key: FeatureKey, _ row: Int, _ value: Double) {
        numbers[key.index][row] = value
    }

    @inline(__always)
    func setText(_ key: FeatureKey, _ row: Int, _ value: String?) {
        texts[key.index][row] = value
    }
}
