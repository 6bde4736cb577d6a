import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes metrics for node_exporter's textfile collector.
///
/// The collector may read the file at any moment, so the text goes to a temporary file in
/// the same directory (its name does not end in `.prom`, so the collector skips it), is
/// flushed to disk, and is renamed over the target: readers see the old file or the new one.
public enum TextfileWriter {
    public struct WriteError: Error, CustomStringConvertible {
        public var path: String
        public var step: String
        public var errno: Int32

        public var description: String {
            "cannot write metrics file \(path): \(step) failed: \(String(cString: strerror(errno)))"
        }
    }

    public static func write(_ text: String, to path: String) throws {
        let temporary = "\(path).\(getpid()).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw WriteError(path: path, step: "open", errno: errno) }
        var closed = false
        defer {
            if !closed { close(fd) }
        }
        do {
            let bytes = Array(text.utf8)
            var written = 0
            while written < bytes.count {
                let n = bytes.withUnsafeBytes { buffer -> Int in
                    guard let base = buffer.baseAddress else { return 0 }
                    return posixWrite(fd, base + written, buffer.count - written)
                }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw WriteError(path: path, step: "write", errno: errno)
                }
                written += n
            }
            guard fsync(fd) == 0 else { throw WriteError(path: path, step: "fsync", errno: errno) }
            // The umask may have narrowed the mode; the collector often runs as another user.
            _ = fchmod(fd, 0o644)
            closed = true
            guard close(fd) == 0 else { throw WriteError(path: path, step: "close", errno: errno) }
            guard rename(temporary, path) == 0 else { throw WriteError(path: path, step: "rename", errno: errno) }
        } catch {
            unlink(temporary)
            throw error
        }
    }
}

/// `write(2)`; named apart because `TextfileWriter.write` shadows it inside the type.
private func posixWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}
