import Dispatch
import Foundation

/// segflow's one way to run work on several threads.
///
/// - `forEach` / `forEachPartition`: data-parallel work on Dispatch's pool (CPU-bound, never
///   blocking). Each index writes only its own slots or rows, and callers combine results in
///   index order, so the output does not depend on the worker count or the scheduling.
/// - `startThread` / `onThreads`: dedicated named threads for work that blocks (COPY streams,
///   bounded queues, index builds), which must not wait on each other inside the pool.
package enum Parallel {
    /// Runs `body` for each index in `0..<count`, inline for a single one.
    package static func forEach(_ count: Int, _ body: @Sendable (Int) -> Void) {
        if count <= 1 {
            if count == 1 { body(0) }
            return
        }
        DispatchQueue.concurrentPerform(iterations: count, execute: body)
    }

    /// Row ranges of near-equal size covering `0..<rows`, in order; one empty range when there are no rows.
    package static func partitions(rows: Int, count: Int) -> [Range<Int>] {
        let parts = max(1, min(count, rows))
        guard rows > 0 else { return [0..<0] }
        return (0..<parts).map { part in (rows * part / parts)..<(rows * (part + 1) / parts) }
    }

    /// Splits `0..<rows` into `partitions(rows:count:)` and runs `body` on each range in parallel.
    package static func forEachPartition(rows: Int, count: Int, _ body: @Sendable (_ rows: Range<Int>) -> Void) {
        let ranges = partitions(rows: rows, count: count)
        forEach(ranges.count) { body(ranges[$0]) }
    }

    /// Starts `body` on a new thread named `name`; `group` is left when it returns.
    package static func startThread(name: String, group: DispatchGroup, _ body: @escaping @Sendable () -> Void) {
        group.enter()
        let thread = Thread {
            body()
            group.leave()
        }
        thread.name = name
        thread.stackSize = 4 << 20
        thread.start()
    }

    /// Runs `body(worker)` on `count` threads named `name-<worker>` and waits for all of them.
    package static func onThreads(_ count: Int, name: String, _ body: @escaping @Sendable (_ worker: Int) -> Void) {
        let group = DispatchGroup()
        for worker in 0..<count {
            startThread(name: "\(name)-\(worker)", group: group) { body(worker) }
        }
        group.wait()
    }
}
