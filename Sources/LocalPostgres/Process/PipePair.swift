import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A pipe whose write end goes to a child and whose read end we drain.
///
/// Both ends are close-on-exec, so programs that other threads start at the
/// same moment never inherit them (the child gets its copy through `dup2`,
/// which clears the flag on the new descriptor).
final class PipePair {
    private(set) var readEnd: Int32
    private(set) var writeEnd: Int32

    init() throws {
        var descriptors: [Int32] = [-1, -1]
        guard pipe(&descriptors) == 0 else {
            throw LocalPostgresError("pipe failed: \(String(cString: strerror(errno)))")
        }
        readEnd = descriptors[0]
        writeEnd = descriptors[1]
        _ = fcntl(readEnd, F_SETFD, FD_CLOEXEC)
        _ = fcntl(writeEnd, F_SETFD, FD_CLOEXEC)
    }

    func closeWriteEnd() {
        if writeEnd >= 0 {
            close(writeEnd)
            writeEnd = -1
        }
    }

    /// Hands the read end to a `FileHandle` that closes it when released.
    func takeReadEnd() -> FileHandle {
        let handle = FileHandle(fileDescriptor: readEnd, closeOnDealloc: true)
        readEnd = -1
        return handle
    }

    func closeBoth() {
        closeWriteEnd()
        if readEnd >= 0 {
            close(readEnd)
            readEnd = -1
        }
    }

    deinit {
        closeBoth()
    }
}
