/// A map from 64-bit keys to dense 32-bit slots (open addressing, linear probing).
///
/// Joins look up millions of ids (order_id → order, customer_id → customer); this
/// costs a fraction of `Dictionary`'s hashing and memory.
struct Int64Index {
    private var keys: [Int64]
    private var values: [Int32]
    private var occupied: [Bool]
    private var mask: Int
    private(set) var count = 0

    init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        keys = Array(repeating: 0, count: size)
        values = Array(repeating: -1, count: size)
        occupied = Array(repeating: false, count: size)
        mask = size - 1
    }

    @inline(__always)
    private static func hash(_ key: Int64) -> Int {
        // Fibonacci hashing spreads sequential ids over the table.
        Int(truncatingIfNeeded: UInt64(bitPattern: key) &* 0x9E37_79B9_7F4A_7C15 >> 17)
    }

    /// The slot of `key`, or nil.
    @inline(__always)
    func find(_ key: Int64) -> Int32? {
        var position = Self.hash(key) & mask
        while occupied[position] {
            if keys[position] == key { return values[position] }
            position = (position + 1) & mask
        }
        return nil
    }

    /// Inserts `key → value` unless present; returns the existing value if there was one.
    @discardableResult
    mutating func insert(_ key: Int64, _ value: Int32) -> Int32? {
        if count * 2 >= keys.count { grow() }
        var position = Self.hash(key) & mask
        while occupied[position] {
            if keys[position] == key { return values[position] }
            position = (position + 1) & mask
        }
        occupied[position] = true
        keys[position] = key
        values[position] = value
        count += 1
        return nil
    }

    /// Replaces the value of an existing key.
    mutating func update(_ key: Int64, _ value: Int32) {
        var position = Self.hash(key) & mask
        while occupied[position] {
            if keys[position] == key {
                values[position] = value
                return
            }
            position = (position + 1) & mask
        }
    }

    private mutating func grow() {
        let oldKeys = keys, oldValues = values, oldOccupied = occupied
        let size = keys.count * 2
        keys = Array(repeating: 0, count: size)
        values = Array(repeating: -1, count: size)
        occupied = Array(repeating: false, count: size)
        mask = size - 1
        count = 0
        for index in oldKeys.indices where oldOccupied[index] {
            insert(oldKeys[index], oldValues[index])
        }
    }
}
