import CSegflowAllocator
#if canImport(Glibc)
import Glibc
#endif

/// The process's resident memory, and the allocator settings that let freed tables go
/// back to the operating system before the next stage allocates.
enum ProcessMemory {
    /// Resident set size in bytes (from /proc/self/statm), nil where there is none.
    static func residentBytes() -> Int? {
        #if os(Linux)
        let file = open("/proc/self/statm", O_RDONLY)
        guard file >= 0 else { return nil }
        defer { close(file) }
        var buffer = [UInt8](repeating: 0, count: 128)
        let length = buffer.withUnsafeMutableBytes { read(file, $0.baseAddress, $0.count) }
        guard length > 0 else { return nil }
        let fields = buffer[0..<length].split(separator: UInt8(ascii: " "))
        guard fields.count > 1, let pages = Int(String(decoding: fields[1], as: UTF8.self)) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
        #else
        return nil
        #endif
    }

    /// Resident megabytes as log text ("?" when unknown).
    static func residentMegabytesText() -> String {
        residentBytes().map { String($0 / (1 << 20)) } ?? "?"
    }

    /// Blocks of 256 KiB and more (every column of a large table) come straight from mmap,
    /// so freeing one unmaps it. glibc's default threshold rises with each freed block up to
    /// 32 MiB, and freed heap below it stays resident.
    static func configureAllocator() {
        _ = segflow_set_mmap_threshold(256 << 10)
    }

    /// Hands free heap pages back to the operating system (after large tables are freed).
    static func releaseFreeMemory() {
        _ = segflow_release_free_memory()
    }
}
