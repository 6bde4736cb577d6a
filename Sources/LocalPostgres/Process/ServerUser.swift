import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Who runs `initdb`, `pg_ctl` and `postgres`.
///
/// PostgreSQL refuses to run as root ("cannot be run as root"), and CI and
/// containers run as root. In that case the server programs run as an
/// unprivileged account through `runuser` (util-linux), while clients keep
/// running as root.
enum ServerUser: Sendable {
    /// Run the programs directly, as the current user.
    case current
    /// Run them as `account` through the `runuser` binary at `runuserPath`.
    case switched(account: SystemAccount, runuserPath: String)

    /// The account that will own the cluster's files, when it is not us.
    var account: SystemAccount? {
        switch self {
        case .current: nil
        case .switched(let account, _): account
        }
    }

    /// Decides who runs the server.
    ///
    /// - Parameter preferredAccount: the account to use when we are root; `nil`
    ///   means `postgres` (created by Debian's postgresql package), else `nobody`.
    static func resolve(preferredAccount: String?) throws -> ServerUser {
        guard geteuid() == 0 else { return .current }

        let account: SystemAccount
        if let preferredAccount {
            guard let found = SystemAccount.lookup(preferredAccount) else {
                throw LocalPostgresError("running as root, but the system user '\(preferredAccount)' (Options.systemUser) does not exist")
            }
            account = found
        } else if let found = SystemAccount.lookup("postgres") ?? SystemAccount.lookup("nobody") {
            account = found
        } else {
            throw LocalPostgresError(
                "running as root, and neither the 'postgres' nor the 'nobody' user exists; "
                    + "PostgreSQL refuses to run as root. Install postgresql (it creates 'postgres') or set Options.systemUser."
            )
        }
        guard account.uid != 0 else {
            throw LocalPostgresError("system user '\(account.name)' has uid 0; PostgreSQL refuses to run as root")
        }

        let candidates = ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser", "/bin/runuser"]
        guard let runuser = candidates.first(where: FileManager.default.isExecutableFile(atPath:))
            ?? ExecutableSearch.inPath("runuser")
        else {
            throw LocalPostgresError(
                "running as root, but `runuser` (util-linux) was not found; it is needed to run PostgreSQL as '\(account.name)'. "
                    + "Install it with `apt-get install util-linux`, or run as a non-root user."
            )
        }
        return .switched(account: account, runuserPath: runuser)
    }

    /// The command line that runs `executable` as this user.
    func commandLine(_ executable: String, _ arguments: [String]) -> [String] {
        switch self {
        case .current:
            return [executable] + arguments
        case .switched(let account, let runuserPath):
            // `-u` runs the program directly (no login shell), so accounts whose shell is nologin work.
            return [runuserPath, "-u", account.name, "--", executable] + arguments
        }
    }
}
