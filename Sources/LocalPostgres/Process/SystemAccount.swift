import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A Unix account from the password database.
struct SystemAccount: Sendable, Equatable {
    let name: String
    let uid: uid_t
    let gid: gid_t

    /// Looks `name` up with the re-entrant `getpwnam_r`: clusters may be started
    /// from several threads at once and `getpwnam` shares a static buffer.
    static func lookup(_ name: String) -> SystemAccount? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var bufferSize = 16 * 1024
        while bufferSize <= 1024 * 1024 {
            var buffer = [CChar](repeating: 0, count: bufferSize)
            let status = getpwnam_r(name, &entry, &buffer, buffer.count, &result)
            if status == ERANGE {
                bufferSize *= 4
                continue
            }
            guard status == 0, result != nil else { return nil }
            return SystemAccount(name: name, uid: entry.pw_uid, gid: entry.pw_gid)
        }
        return nil
    }

    /// Hands `path` to this account, so the server (which runs as this account) can write it.
    func takeOwnership(of path: String) throws {
        guard chown(path, uid, gid) == 0 else {
            let reason = String(cString: strerror(errno))
            throw LocalPostgresError("could not chown \(path) to \(name): \(reason)")
        }
    }
}
