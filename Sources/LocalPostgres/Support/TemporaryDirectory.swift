import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Creates uniquely named private directories.
enum TemporaryDirectory {
    /// Creates `<parent>/<prefix>XXXXXX` with `mkdtemp` (mode 0700).
    ///
    /// The cluster's Unix socket lives in this directory, and socket paths are
    /// limited to about 107 bytes, so callers keep `parent` short (`/tmp`, not `$TMPDIR`,
    /// which is long on macOS).
    static func create(in parent: String, prefix: String) throws -> String {
        var template = Array("\(parent)/\(prefix)XXXXXX".utf8CString)
        let created = template.withUnsafeMutableBufferPointer { buffer -> Bool in
            guard let base = buffer.baseAddress else { return false }
            return mkdtemp(base) != nil
        }
        guard created else {
            let reason = String(cString: strerror(errno))
            throw LocalPostgresError("could not create a temporary directory in \(parent): \(reason)")
        }
        return template.withUnsafeBufferPointer { buffer in
            String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }
}
