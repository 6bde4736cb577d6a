import Foundation

/// Encodes COPY data on a worker thread while the calling thread sends it, so that
/// Swift encoding overlaps with the server parsing the previous chunks.
///
/// At most `depth` chunks wait in between, bounding memory. An error on either side
/// stops both and is rethrown by `run`.
final class EncodedChunkPipeline: @unchecked Sendable {
    // Guarded by `condition`.
    private var chunks: [[UInt8]] = []
    private var producerDone = false
    private var consumerStopped = false
    private var producerError: (any Error)?
    private let condition = NSCondition()
    private let depth: Int

    private init(depth: Int) {
        self.depth = depth
    }

    /// `produce` runs on a new thread and hands chunks to its `emit` argument (which
    /// returns false once the consumer has stopped); `consume` runs on this thread.
    static func run(
        depth: Int = 4,
        produce: @escaping @Sendable (_ emit: ([UInt8]) -> Bool) throws -> Void,
        consume: ([UInt8]) throws -> Void
    ) throws {
        let pipeline = EncodedChunkPipeline(depth: depth)
        let finished = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            defer { finished.signal() }
            do {
                try produce { chunk in pipeline.put(chunk) }
                pipeline.finishProducing(error: nil)
            } catch {
                pipeline.finishProducing(error: error)
            }
        }
        defer {
            // Never return while the worker still runs: it captures the caller's data.
            pipeline.stopConsuming()
            finished.wait()
        }
        while let chunk = try pipeline.take() {
            try consume(chunk)
        }
    }

    private func put(_ chunk: [UInt8]) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while chunks.count >= depth, !consumerStopped { condition.wait() }
        guard !consumerStopped else { return false }
        chunks.append(chunk)
        condition.broadcast()
        return true
    }

    private func finishProducing(error: (any Error)?) {
        condition.lock()
        producerDone = true
        producerError = error
        condition.broadcast()
        condition.unlock()
    }

    private func stopConsuming() {
        condition.lock()
        consumerStopped = true
        condition.broadcast()
        condition.unlock()
    }

    /// The next chunk; nil when the producer finished; throws the producer's error.
    private func take() throws -> [UInt8]? {
        condition.lock()
        defer { condition.unlock() }
        while chunks.isEmpty, !producerDone { condition.wait() }
        if let producerError { throw producerError }
        guard !chunks.isEmpty else { return nil }
        let chunk = chunks.removeFirst()
        condition.broadcast()
        return chunk
    }
}
