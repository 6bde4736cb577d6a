import Dispatch

/// Runs `body` for each partition index on `DispatchQueue.concurrentPerform`, or inline
/// for a single partition.
enum Parallel {
    static func forEach(_ count: Int, _ body: @Sendable (Int) -> Void) {
        if count <= 1 {
            if count == 1 { body(0) }
            return
        }
        DispatchQueue.concurrentPerform(iterations: count, execute: body)
    }

    /// Row ranges of near-equal size covering `0..<rows`.
    static func partitions(rows: Int, count: Int) -> [Range<Int>] {
        let parts = max(1, min(count, rows))
        guard rows > 0 else { return [0..<0] }
        return (0..<parts).map { part in (rows * part / parts)..<(rows * (part + 1) / parts) }
    }
}
