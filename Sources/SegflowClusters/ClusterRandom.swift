/// The deterministic random numbers of clustering: SplitMix64 (Steele, Lea & Flood 2014),
/// seeded from the pipeline file, so a seed gives the same initial centroids and the same
/// silhouette sample on every machine and worker count.
package struct ClusterRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    package init(seed: UInt64) {
        state = seed
    }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform double in [0, 1) from the top 53 bits.
    package mutating func unit() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// A uniform integer in `0..<bound` (bound > 0), without modulo bias.
    package mutating func index(below bound: Int) -> Int {
        Int(UInt64.random(in: 0..<UInt64(bound), using: &self))
    }
}
