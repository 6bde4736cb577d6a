import Dispatch

/// The models' one way to use several cores without giving up bit-identical results: an index range
/// is cut into chunks of a fixed size (never derived from the worker count), the chunks run on
/// Dispatch's pool, each writes only its own slot, and callers combine the slots in chunk order. The
/// output is therefore the same for any number of workers, including one.
enum Chunks {
    /// Rows per chunk for per-row work of a few tens of nanoseconds.
    static let defaultSize = 16_384

    /// `0..<count` cut into consecutive ranges of `size` rows (the last one shorter).
    static func ranges(_ count: Int, size: Int = defaultSize) -> [Range<Int>] {
        guard count > 0 else { return [] }
        return stride(from: 0, to: count, by: size).map { $0..<min($0 + size, count) }
    }

    /// `body` on every chunk of `0..<count`, in parallel; the results in chunk order.
    static func map<Result>(_ count: Int, size: Int = defaultSize, _ body: (Range<Int>) -> Result) -> [Result] {
        let chunks = ranges(count, size: size)
        if chunks.count <= 1 { return chunks.map(body) }
        let slots = Slots<Result>(count: chunks.count)
        withoutActuallyEscaping(body) { body in
            let task = UncheckedBox(body)
            DispatchQueue.concurrentPerform(iterations: chunks.count) { index in
                slots.store(task.value(chunks[index]), at: index)
            }
        }
        return slots.values()
    }

    /// `count` values computed by `body(range, buffer)`, which must write every element of
    /// `buffer[range]` (the memory starts uninitialised), in parallel chunks.
    static func fill<Element: BitwiseCopyable>(_ count: Int, size: Int = defaultSize,
                                               _ body: (Range<Int>, UnsafeMutableBufferPointer<Element>) -> Void) -> [Element] {
        [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
            let target = UncheckedBox(buffer)
            _ = map(count, size: size) { range in body(range, target.value) }
            initialized = count
        }
    }
}

/// A value handed to the worker closures of `Chunks`; each worker touches only its own part of it.
private struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// One slot per chunk, written by that chunk only, read after every chunk has finished.
private final class Slots<Value>: @unchecked Sendable {
    private let buffer: UnsafeMutableBufferPointer<Value?>

    init(count: Int) {
        buffer = .allocate(capacity: count)
        buffer.initialize(repeating: nil)
    }

    deinit {
        _ = buffer.deinitialize()
        buffer.deallocate()
    }

    func store(_ value: Value, at index: Int) { buffer[index] = value }

    func values() -> [Value] { buffer.compactMap { $0 } }
}
