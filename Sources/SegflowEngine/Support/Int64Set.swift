/// A set of 64-bit ids (open addressing, no values), for finding duplicate keys in
/// streams of tens of millions of rows in a quarter of `Set<Int64>`'s memory.
struct Int64Set {
    private static let empty = Int64.min
    private var slots: [Int64]
    private var mask: Int
    private var shift: UInt64
    private var containsEmptyKey = false
    private(set) var count = 0

    init(capacity: Int = 1024) {
        var size = 16
        while size * 7 < capacity * 10 { size <<= 1 }
        slots = Array(repeating: Self.empty, count: size)
        mask = size - 1
        shift = UInt64(64 - size.trailingZeroBitCount)
    }

    /// Fibonacci hashing: the product's high bits, so ids that share their low bits
    /// (multiples, composite keys) still spread over the table.
    @inline(__always)
    private func home(_ key: Int64) -> Int {
        Int(truncatingIfNeeded: (UInt64(bitPattern: key) &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    /// Inserts `key`; false if it was already there.
    @discardableResult
    mutating func insert(_ key: Int64) -> Bool {
        if key == Self.empty {
            defer { containsEmptyKey = true }
            if containsEmptyKey { return false }
            count += 1
            return true
        }
        if (count + 1) * 10 > slots.count * 7 { grow() }
        var position = home(key)
        while slots[position] != Self.empty {
            if slots[position] == key { return false }
            position = (position + 1) & mask
        }
        slots[position] = key
        count += 1
        return true
    }

    func contains(_ key: Int64) -> Bool {
        if key == Self.empty { return containsEmptyKey }
        var position = home(key)
        while slots[position] != Self.empty {
            if slots[position] == key { return true }
            position = (position + 1) & mask
        }
        return false
    }

    private mutating func grow() {
        let old = slots
        slots = Array(repeating: Self.empty, count: old.count * 2)
        mask = slots.count - 1
        shift -= 1
        count = containsEmptyKey ? 1 : 0
        for key in old where key != Self.empty { insert(key) }
    }
}

/// FNV-1a over bytes: a stable 64-bit key for text ids (visitor ids) without building Strings.
enum StableHash {
    @inline(__always)
    static func fnv1a(_ bytes: UnsafeRawBufferPointer) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return Int64(bitPattern: hash)
    }

    /// The key of a visitor id: spaces trimmed; nil when nothing is left.
    @inline(__always)
    static func visitorKey(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        var start = 0, end = bytes.count
        while start < end, bytes[start] == 0x20 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 { end -= 1 }
        guard end > start else { return nil }
        return fnv1a(UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
    }

    static func fnv1a(_ text: String) -> Int64 {
        var text = text
        return text.withUTF8 { fnv1a(UnsafeRawBufferPointer($0)) }
    }
}
