import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A tiny HTTP/1.1 listener on 127.0.0.1 for push tests: records each request and answers
/// with a fixed status, or never answers (to test timeouts).
final class TestHTTPServer: @unchecked Sendable {
    struct Request: Sendable {
        var method: String
        var path: String
        var headers: [String: String]
        var body: String
    }

    let port: UInt16
    private let listener: Int32
    private let status: Int
    private let answers: Bool
    private let lock = NSLock()
    private var received: [Request] = []
    private var held: [Int32] = []
    private let arrived = DispatchSemaphore(value: 0)

    init(status: Int = 200, answers: Bool = true) throws {
        self.status = status
        self.answers = answers
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 8) == 0 else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = UInt16(bigEndian: address.sin_port)
        let thread = Thread { [self] in serve() }
        thread.start()
    }

    var url: String { "http://127.0.0.1:\(port)" }

    var requests: [Request] {
        lock.withLock { received }
    }

    /// Waits until a request has been read completely.
    func waitForRequest(seconds: Double = 10) -> Bool {
        arrived.wait(timeout: .now() + seconds) == .success
    }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        for fd in lock.withLock({ held }) { close(fd) }
    }

    private func serve() {
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            guard let request = read(from: client) else { close(client); continue }
            lock.withLock { received.append(request) }
            arrived.signal()
            if answers {
                let reply = "HTTP/1.1 \(status) Status\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                _ = reply.withCString { send(client, $0, strlen($0), 0) }
                close(client)
            } else {
                lock.withLock { held.append(client) }
            }
        }
    }

    private func read(from client: Int32) -> Request? {
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        var headerEnd: Int?
        var contentLength = 0
        var headers: [String: String] = [:]
        var requestLine = ""
        while true {
            let n = recv(client, &buffer, buffer.count, 0)
            if n <= 0 { return nil }
            data.append(contentsOf: buffer[0..<n])
            if headerEnd == nil, let end = Self.find([13, 10, 13, 10], in: data) {
                headerEnd = end + 4
                let head = String(decoding: data[0..<end], as: UTF8.self)
                var lines = head.components(separatedBy: "\r\n")
                requestLine = lines.removeFirst()
                for line in lines {
                    guard let colon = line.firstIndex(of: ":") else { continue }
                    let name = line[..<colon].lowercased()
                    headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                }
                contentLength = Int(headers["content-length"] ?? "0") ?? 0
                if headers["expect"]?.lowercased() == "100-continue" {
                    let reply = "HTTP/1.1 100 Continue\r\n\r\n"
                    _ = reply.withCString { send(client, $0, strlen($0), 0) }
                }
            }
            if let headerEnd, data.count - headerEnd >= contentLength {
                let parts = requestLine.split(separator: " ")
                guard parts.count >= 2 else { return nil }
                let body = String(decoding: data[headerEnd..<(headerEnd + contentLength)], as: UTF8.self)
                return Request(method: String(parts[0]), path: String(parts[1]), headers: headers, body: body)
            }
        }
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count) where Array(haystack[start..<(start + needle.count)]) == needle {
            return start
        }
        return nil
    }
}
