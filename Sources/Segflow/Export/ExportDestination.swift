import Foundation

/// Where `segflow export` writes: standard output, or a file replaced atomically (the rows go
/// to a temporary file beside it, which is flushed to disk and renamed over the target only
/// when the export succeeded; a failed export leaves the old file and no temporary one).
///
/// Bytes are collected into 1 MiB and written with `write(2)`, so a million rows are a few
/// hundred system calls and never more than one buffer in memory.
public final class ExportDestination {
    public enum Target: Sendable, Equatable {
        case standardOutput
        case file(String)
    }

    public let target: Target
    private let descriptor: Int32
    private let temporaryPath: String?
    private var buffer: [UInt8] = []
    private var finished = false
    public private(set) var bytesWritten = 0

    static let bufferSize = 1 << 20

    /// Opens the destination: for a file, creates the temporary file (mode 0644 less the umask)
    /// in the target's directory.
    public init(_ target: Target) throws {
        self.target = target
        buffer.reserveCapacity(Self.bufferSize)
        switch target {
        case .standardOutput:
            descriptor = STDOUT_FILENO
            temporaryPath = nil
        case .file(let path):
            let url = URL(fileURLWithPath: path)
            let temporary = url.deletingLastPathComponent()
                .appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp").path
            let opened = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            guard opened >= 0 else { throw ExportWriteError(path: path, operation: "create a temporary file beside", errno: errno) }
            descriptor = opened
            temporaryPath = temporary
        }
    }

    deinit {
        // Not committed: drop the temporary file.
        if !finished, let temporaryPath {
            close(descriptor)
            unlink(temporaryPath)
        }
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        if buffer.count + bytes.count > Self.bufferSize { try flush() }
        buffer.append(contentsOf: bytes)
    }

    public func write(_ text: String) throws {
        var text = text
        try text.withUTF8 { try write(UnsafeRawBufferPointer($0)) }
    }

    private func flush() throws {
        var offset = 0
        while offset < buffer.count {
            let written = buffer.withUnsafeBytes { bytes in
                bytes.baseAddress.map { Foundation.write(descriptor, $0 + offset, bytes.count - offset) } ?? 0
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw ExportWriteError(path: pathForMessages, operation: "write", errno: errno)
            }
            offset += written
        }
        bytesWritten += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes what is buffered; for a file, syncs it and renames it over the target.
    public func commit() throws {
        try flush()
        finished = true
        guard case .file(let path) = target, let temporaryPath else { return }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else {
            let code = errno
            unlink(temporaryPath)
            throw ExportWriteError(path: path, operation: "sync", errno: code)
        }
        guard rename(temporaryPath, path) == 0 else {
            let code = errno
            unlink(temporaryPath)
            throw ExportWriteError(path: path, operation: "rename the temporary file to", errno: code)
        }
    }

    private var pathForMessages: String {
        switch target {
        case .standardOutput: "standard output"
        case .file(let path): path
        }
    }
}

/// The export's output could not be written (a full disk, a missing directory, a closed pipe).
public struct ExportWriteError: Error, CustomStringConvertible {
    public var path: String
    public var operation: String
    public var errno: Int32

    public var description: String {
        "cannot \(operation) \(path): \(String(cString: strerror(errno)))"
    }
}
