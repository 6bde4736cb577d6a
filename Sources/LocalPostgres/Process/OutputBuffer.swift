import Foundation

/// Collects what a child writes to one pipe, filled from a background reader.
///
/// A lock-protected class (not an actor) because the reader is a plain blocking
/// loop on a Dispatch thread and the caller waits synchronously.
final class OutputBuffer: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()

    func append(_ chunk: Data) {
        lock.withLock { data.append(chunk) }
    }

    /// The text so far; invalid UTF-8 is repaired rather than dropped so error tails are never empty.
    var text: String {
        lock.withLock { String(decoding: data, as: UTF8.self) }
    }

    /// Reads `handle` until end of file on a Dispatch worker (not a Swift concurrency thread:
    /// it blocks), so stdout and stderr drain concurrently and a chatty child never
    /// stalls on a full pipe.
    func startDraining(_ handle: FileHandle, group: DispatchGroup) {
        DispatchQueue.global(qos: .utility).async(group: group) { [self] in
            while true {
                let chunk: Data?
                do {
                    chunk = try handle.read(upToCount: 64 * 1024)
                } catch {
                    return
                }
                guard let chunk, !chunk.isEmpty else { return }
                append(chunk)
            }
        }
    }
}
