import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Picks free TCP ports on 127.0.0.1.
///
/// The kernel chooses (bind to port 0, read the port, close). There is a window
/// between closing and the server binding, so the caller retries on a port
/// conflict; within this process, ports already handed out are never handed out
/// again, so clusters started at the same time can't collide with each other.
enum PortAllocator {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var handedOut: Set<Int> = []

    /// A port that was free a moment ago and has not been returned by this function before.
    static func reservePort() throws -> Int {
        for _ in 0..<20 {
            let port = try kernelChosenPort()
            let isNew = lock.withLock { handedOut.insert(port).inserted }
            if isNew { return port }
        }
        throw LocalPostgresError("could not find a free TCP port on 127.0.0.1")
    }

    private static func kernelChosenPort() throws -> Int {
        #if canImport(Darwin)
        let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #else
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #endif
        guard descriptor >= 0 else { throw systemError("socket") }
        defer { close(descriptor) }

        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0 else { throw systemError("bind") }

        var boundAddress = sockaddr_in()
        var boundLength = length
        let named = withUnsafeMutablePointer(to: &boundAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &boundLength) }
        }
        guard named == 0 else { throw systemError("getsockname") }
        return Int(UInt16(bigEndian: boundAddress.sin_port))
    }

    private static func systemError(_ call: String) -> LocalPostgresError {
        LocalPostgresError("\(call) failed while looking for a free port: \(String(cString: strerror(errno)))")
    }
}
