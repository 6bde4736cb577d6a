/// A stable least-significant-digit radix sort of (key, payload) pairs on the key's low bits, 11 bits
/// per pass: the models' compressions sort a million customers with it in a few passes over memory
/// instead of hashing or comparison sorting. Equal keys keep their input order.
enum RadixSort {
    struct Item {
        var key: UInt64
        var payload: UInt32
    }

    /// Sorts `items` by `key & (2^bits − 1)` (keys must not have higher bits set).
    static func sort(_ items: inout [Item], bits: Int) {
        let digitBits = 11, buckets = 1 << digitBits, mask = UInt64(buckets - 1)
        let digits = (bits + digitBits - 1) / digitBits
        guard items.count > 1, digits > 0 else { return }
        // Every digit's histogram in one read pass.
        var counts = [Int](repeating: 0, count: digits * buckets)
        for item in items {
            var key = item.key
            for digit in 0..<digits {
                counts[digit * buckets + Int(key & mask)] += 1
                key >>= UInt64(digitBits)
            }
        }
        var scratch = items
        for digit in 0..<digits {
            let base = digit * buckets
            // A digit that is the same for every item changes nothing.
            if counts[base..<(base + buckets)].contains(items.count) { continue }
            var starts = [Int](repeating: 0, count: buckets)
            var running = 0
            for bucket in 0..<buckets {
                starts[bucket] = running
                running += counts[base + bucket]
            }
            let shift = UInt64(digit * digitBits)
            for item in items {
                let bucket = Int((item.key >> shift) & mask)
                scratch[starts[bucket]] = item
                starts[bucket] += 1
            }
            swap(&items, &scratch)
        }
    }

    /// Bits needed to write `value` (at least 1).
    static func bitWidth(_ value: UInt64) -> Int {
        value == 0 ? 1 : UInt64.bitWidth - value.leadingZeroBitCount
    }
}
