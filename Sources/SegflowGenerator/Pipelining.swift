import Foundation

/// A bounded FIFO of encoded chunks between the block workers and one COPY stream.
/// `push` blocks while the queue is full, which keeps memory flat however fast the workers are.
final class ChunkQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var chunks: [[UInt8]] = []
    private var head = 0
    private let capacity: Int
    private var closed = false
    private var aborted = false

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// False when the load was aborted.
    @discardableResult
    func push(_ chunk: [UInt8]) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while chunks.count - head >= capacity && !aborted {
            condition.wait()
        }
        if aborted { return false }
        chunks.append(chunk)
        condition.broadcast()
        return true
    }

    /// The next chunk; nil once the queue is closed and drained, or aborted.
    func pop() -> [UInt8]? {
        condition.lock()
        defer { condition.unlock() }
        while head == chunks.count && !closed && !aborted {
            condition.wait()
        }
        if aborted || head == chunks.count { return nil }
        let chunk = chunks[head]
        chunks[head] = []
        head += 1
        if head > 64 && head * 2 > chunks.count {
            chunks.removeFirst(head)
            head = 0
        }
        condition.broadcast()
        return chunk
    }

    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    func abort() {
        condition.lock()
        aborted = true
        chunks = []
        head = 0
        condition.broadcast()
        condition.unlock()
    }

    var isAborted: Bool {
        condition.lock()
        defer { condition.unlock() }
        return aborted
    }
}

/// Lets finished blocks pass one at a time in block order, so that rows reach the tables
/// in the same order whatever the number of workers.
final class BlockSequencer: @unchecked Sendable {
    private let condition = NSCondition()
    private var next = 0
    private var aborted = false

    /// Waits until it is `block`'s turn; false when aborted.
    func waitTurn(_ block: Int) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while next != block && !aborted {
            condition.wait()
        }
        return !aborted
    }

    func finish(_ block: Int) {
        condition.lock()
        next = block + 1
        condition.broadcast()
        condition.unlock()
    }

    func abort() {
        condition.lock()
        aborted = true
        condition.broadcast()
        condition.unlock()
    }
}

/// Hands out block numbers to workers.
final class BlockCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    private let total: Int

    init(total: Int) {
        self.total = total
    }

    func claim() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard next < total else { return nil }
        defer { next += 1 }
        return next
    }
}

/// Every loader reports here once its COPY is done; all commit only if all succeeded.
final class CommitGate: @unchecked Sendable {
    private let condition = NSCondition()
    private let parties: Int
    private var arrived = 0
    private var allSucceeded = true

    init(parties: Int) {
        self.parties = parties
    }

    /// Reports this party's outcome and waits for the others; true means commit.
    func arrive(succeeded: Bool) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        arrived += 1
        if !succeeded { allSucceeded = false }
        condition.broadcast()
        while arrived < parties {
            condition.wait()
        }
        return allSucceeded
    }
}

/// A value guarded by a lock, for counters and first errors shared between threads.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) {
        self.value = value
    }

    func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }

    var current: Value { withLock { $0 } }
}
