import Foundation

/// SplitMix64: turns one 64-bit seed into a stream of well-mixed words. Used to seed
/// `RandomSource` and to derive stable values from keys.
public struct SplitMix64: Sendable {
    public var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    @inline(__always)
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    /// The SplitMix64 finaliser: a bijective 64-bit hash.
    @inline(__always)
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// xoshiro256**: a small, fast generator with 256 bits of state, plus the distributions
/// the generator needs. Deterministic: the same seed and stream give the same numbers on
/// every platform (only integer arithmetic and IEEE-754 operations that are exactly rounded,
/// plus `log`/`exp`/`cos`, which glibc rounds correctly for these inputs in practice).
public struct RandomSource: Sendable {
    @usableFromInline var s0: UInt64
    @usableFromInline var s1: UInt64
    @usableFromInline var s2: UInt64
    @usableFromInline var s3: UInt64

    /// A generator for one (seed, stream, substream) triple; streams never overlap in practice.
    public init(seed: UInt64, stream: UInt64 = 0, substream: UInt64 = 0) {
        var mixer = SplitMix64(
            seed: seed ^ SplitMix64.mix(stream &* 0xD1B5_4A32_D192_ED03 &+ 0x1234_5678) ^ SplitMix64.mix(substream &+ 0x9E37_79B9)
        )
        s0 = mixer.next()
        s1 = mixer.next()
        s2 = mixer.next()
        s3 = mixer.next()
        if s0 | s1 | s2 | s3 == 0 { s0 = 1 }
    }

    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    @inline(__always)
    private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }

    /// Uniform in [0, 1).
    @inline(__always)
    public mutating func uniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform in [low, high).
    @inline(__always)
    public mutating func uniform(_ low: Double, _ high: Double) -> Double {
        low + (high - low) * uniform()
    }

    /// Uniform integer in 0..<bound (bound ≥ 1), by Lemire's multiply-shift.
    @inline(__always)
    public mutating func int(below bound: Int) -> Int {
        Int(truncatingIfNeeded: (UInt64(UInt32(truncatingIfNeeded: next() >> 32)) &* UInt64(bound)) >> 32)
    }

    /// Uniform integer in a closed range; the lower bound when the range is inverted.
    @inline(__always)
    public mutating func int(_ low: Int, _ high: Int) -> Int {
        high <= low ? low : low + int(below: high - low + 1)
    }

    @inline(__always)
    public mutating func chance(_ probability: Double) -> Bool {
        uniform() < probability
    }

    /// Standard normal (Box–Muller; one value per call so that the stream stays simple).
    public mutating func normal() -> Double {
        let u1 = 1.0 - uniform()  // (0, 1]
        let u2 = uniform()
        return (-2.0 * log(u1)).squareRoot() * cos(2.0 * Double.pi * u2)
    }

    public mutating func normal(mean: Double, sd: Double) -> Double {
        mean + sd * normal()
    }

    /// Log-normal with the given median and log-space standard deviation.
    public mutating func logNormal(median: Double, sigma: Double) -> Double {
        median * exp(sigma * normal())
    }

    public mutating func exponential(mean: Double) -> Double {
        -mean * log(1.0 - uniform())
    }

    /// Poisson: Knuth's product method below 30, a rounded normal above.
    public mutating func poisson(_ lambda: Double) -> Int {
        guard lambda > 0 else { return 0 }
        if lambda < 30 {
            let limit = exp(-lambda)
            var product = uniform()
            var count = 0
            while product > limit {
                count += 1
                product *= uniform()
            }
            return count
        }
        return max(0, Int((lambda + lambda.squareRoot() * normal()).rounded()))
    }

    /// Clamped normal, handy for bounded scores.
    public mutating func clampedNormal(mean: Double, sd: Double, min low: Double, max high: Double) -> Double {
        Swift.min(high, Swift.max(low, normal(mean: mean, sd: sd)))
    }

    /// An element of a non-empty array.
    @inline(__always)
    public mutating func pick<T>(_ values: [T]) -> T {
        values[int(below: values.count)]
    }

    /// A random version-4 UUID.
    public mutating func uuid() -> UUID {
        let a = next()
        let b = next()
        var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &bytes) { raw in
            raw.storeBytes(of: a.bigEndian, toByteOffset: 0, as: UInt64.self)
            raw.storeBytes(of: b.bigEndian, toByteOffset: 8, as: UInt64.self)
            raw[6] = (raw[6] & 0x0F) | 0x40
            raw[8] = (raw[8] & 0x3F) | 0x80
        }
        return UUID(uuid: bytes)
    }
}

/// A discrete distribution over `0..<weights.count`, sampled by binary search over the
/// cumulative weights.
public struct WeightedTable: Sendable {
    public let cumulative: [Double]

    public init(_ weights: [Double]) {
        precondition(!weights.isEmpty, "a weighted table needs at least one weight")
        var sum = 0.0
        var cumulative: [Double] = []
        cumulative.reserveCapacity(weights.count)
        for weight in weights {
            precondition(weight >= 0, "weights must not be negative")
            sum += weight
            cumulative.append(sum)
        }
        precondition(sum > 0, "weights must not all be zero")
        self.cumulative = cumulative.map { $0 / sum }
    }

    public var count: Int { cumulative.count }

    /// The probability of one index.
    public func probability(_ index: Int) -> Double {
        cumulative[index] - (index == 0 ? 0 : cumulative[index - 1])
    }

    @inline(__always)
    public func sample(_ random: inout RandomSource) -> Int {
        let u = random.uniform()
        var low = 0
        var high = cumulative.count - 1
        while low < high {
            let middle = (low + high) >> 1
            if cumulative[middle] > u { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
