/// Scratch registers for one worker: `count` registers of `batchSize` numbers each.
///
/// Not Sendable: each worker makes its own.
public final class RegisterFile {
    public let batchSize: Int
    @exclusivity(unchecked) private(set) var count: Int
    @exclusivity(unchecked) private(set) var base: UnsafeMutablePointer<Double>

    public init(batchSize: Int = CompiledRule.defaultBatchSize, registers: Int = 16) {
        self.batchSize = max(1, batchSize)
        count = max(1, registers)
        base = .allocate(capacity: count * self.batchSize)
    }

    deinit {
        base.deallocate()
    }

    /// Grows to at least `registers` registers (contents are scratch and not kept).
    func reserve(_ registers: Int) {
        guard registers > count else { return }
        base.deallocate()
        count = registers
        base = .allocate(capacity: count * batchSize)
    }

    @inline(__always)
    func register(_ index: Int) -> UnsafeMutablePointer<Double> {
        base + index * batchSize
    }
}
