/// A map from 64-bit keys to dense 32-bit slots (open addressing, linear probing).
///
/// Joins look up millions of ids (order_id → order, customer_id → customer); this
/// costs a fraction of `Dictionary`'s hashing and memory.
struct Int64Index {
    private var keys: [Int64]
    /// -1 marks an empty slot (stored values are row numbers, never negative), so a probe
    /// touches two arrays, not three.
    private var values: [Int32]
    private var mask: Int
    private var shift: UInt64
    private(set) var count = 0

    init(capacity: Int = 1024) {
        var size = 16
        // At most three quarters full: this index holds every order id, its largest table.
        while size * 3 < capacity * 4 { size <<= 1 }
        keys = Array(repeating: 0, count: size)
        values = Array(repeating: -1, count: size)
        mask = size - 1
        shift = UInt64(64 - size.trailingZeroBitCount)
    }

    /// Fibonacci hashing: the product's high bits, so ids that share their low bits
    /// (multiples, composite keys) still spread over the table.
    @inline(__always)
    private func home(_ key: Int64) -> Int {
        Int(truncatingIfNeeded: (UInt64(bitPattern: key) &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    /// The slot of `key`, or nil.
    @inline(__always)
    func find(_ key: Int64) -> Int32? {
        var position = home(key)
        while values[position] >= 0 {
            if keys[position] == key { return values[position] }
            position = (position + 1) & mask
        }
        return nil
    }

    /// Inserts `key → value` (`value` ≥ 0) unless present; returns the existing value if there was one.
    @discardableResult
    mutating func insert(_ key: Int64, _ value: Int32) -> Int32? {
        precondition(value >= 0, "Int64Index values are row numbers")
        if (count + 1) * 4 > keys.count * 3 { grow() }
        var position = home(key)
        while values[position] >= 0 {
            if keys[position] == key { return values[position] }
            position = (position + 1) & mask
        }
        keys[position] = key
        values[position] = value
        count += 1
        return nil
    }

    /// Replaces the value of an existing key.
    mutating func update(_ key: Int64, _ value: Int32) {
        precondition(value >= 0, "Int64Index values are row numbers")
        var position = home(key)
        while values[position] >= 0 {
            if keys[position] == key {
                values[position] = value
                return
            }
            position = (position + 1) & mask
        }
    }

    private mutating func grow() {
        let oldKeys = keys, oldValues = values
        let size = keys.count * 2
        keys = Array(repeating: 0, count: size)
        values = Array(repeating: -1, count: size)
        mask = size - 1
        shift -= 1
        count = 0
        for index in oldKeys.indices where oldValues[index] >= 0 {
            insert(oldKeys[index], oldValues[index])
        }
    }
}
