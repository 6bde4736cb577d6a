/// A segment's control group: the members held out of a campaign so that its effect can be
/// measured (docs/semantics.md, "Control groups"). Whether a member is in control depends
/// only on (customer, segmentation, segment, salt): stable across snapshots, independent
/// across segments. The one implementation of the hash.
public struct ControlGroup: Sendable, Hashable {
    /// The salt when the pipeline file sets no `control_salt`.
    public static let defaultSalt = "segflow-control-v1"

    /// Share of the members held out, 0 ≤ share < 1.
    public var share: Double
    public var salt: String

    public init(share: Double, salt: String = ControlGroup.defaultSalt) {
        self.share = share
        self.salt = salt
    }

    /// The per-segment seed: mix(FNV-1a-64(salt ‖ 0 ‖ segmentation ‖ 0 ‖ segment)). Compute once per segment.
    public func seed(segmentationKey: String, segmentKey: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        func add(_ byte: UInt8) {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        for byte in salt.utf8 { add(byte) }
        add(0)
        for byte in segmentationKey.utf8 { add(byte) }
        add(0)
        for byte in segmentKey.utf8 { add(byte) }
        return Self.mix(hash)
    }

    /// The customer's point in [0, 1) for the segment with this seed.
    @inline(__always)
    public static func unit(customerID: Int64, seed: UInt64) -> Double {
        let x = mix(seed ^ mix(UInt64(bitPattern: customerID) &+ 0x9E37_79B9_7F4A_7C15))
        return Double(x >> 11) * 0x1.0p-53
    }

    /// True when the customer, a member of the segment with this seed, is in control.
    @inline(__always)
    public func isControl(customerID: Int64, seed: UInt64) -> Bool {
        share > 0 && Self.unit(customerID: customerID, seed: seed) < share
    }

    /// SplitMix64's finaliser.
    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
