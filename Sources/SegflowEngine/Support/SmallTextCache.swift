import PostgresClient

/// Remembers what a few distinct raw text values (statuses, currencies, channels) turn
/// into, keyed by their bytes, so a column of millions of rows is normalised without
/// building a String per row. Holds at most `capacity` values of at most 32 bytes; other
/// values are normalised every time.
struct SmallTextCache<Value> {
    private var lengths: [Int] = []
    private var bytes: [UInt8] = []
    private var values: [Value] = []
    private let capacity: Int
    private static var maxLength: Int { 32 }

    init(capacity: Int = 64) {
        self.capacity = capacity
    }

    /// The value of field `field` of `row` (NULL included), from the cache or from `normalize`.
    mutating func value(_ row: BinaryCopyRow, _ field: Int, normalize: (String?) -> Value) throws -> Value {
        guard let found = row.withBytes(field, { lookup($0) }) else {
            // NULL: never cached (rare, and it has no bytes to key on).
            return normalize(nil)
        }
        if let found { return found }
        let text = try row.string(field)
        let value = normalize(text)
        row.withBytes(field) { raw in
            guard raw.count <= Self.maxLength, values.count < capacity else { return }
            lengths.append(raw.count)
            bytes.append(contentsOf: raw)
            bytes.append(contentsOf: repeatElement(0, count: Self.maxLength - raw.count))
            values.append(value)
        }
        return value
    }

    private func lookup(_ raw: UnsafeRawBufferPointer) -> Value? {
        guard raw.count <= Self.maxLength else { return nil }
        return bytes.withUnsafeBytes { table -> Value? in
            entries: for entry in 0..<values.count where lengths[entry] == raw.count {
                let start = entry * Self.maxLength
                for offset in 0..<raw.count where table[start + offset] != raw[offset] { continue entries }
                return values[entry]
            }
            return nil
        }
    }
}
