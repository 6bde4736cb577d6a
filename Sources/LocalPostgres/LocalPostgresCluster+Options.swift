import Foundation

extension LocalPostgresCluster {
    /// How to create and run a throwaway cluster. Every field has a working default.
    public struct Options: Sendable {
        /// Directory with `initdb`, `pg_ctl` and `postgres`. `nil`: `$SEGFLOW_PG_BIN`,
        /// else `pg_config --bindir`, else the newest `/usr/lib/postgresql/*/bin`, else `PATH`.
        public var binDirectory: String?

        /// Password of the `segflow` superuser, needed over TCP only (the Unix
        /// socket uses trust). `nil`: a random one, readable as ``LocalPostgresCluster/password``.
        public var password: String?

        /// The account the server runs as when we are root (PostgreSQL refuses
        /// root). `nil`: `postgres`, else `nobody`. Ignored when not root.
        public var systemUser: String?

        /// Extra `postgresql.conf` settings, applied after (and so overriding)
        /// the built-in tuning, e.g. `["shared_buffers": "128MB"]`.
        public var serverSettings: [String: String]

        /// Where the cluster's directory is created. Keep it short: the Unix
        /// socket lives there and socket paths are limited to about 107 bytes.
        public var temporaryDirectoryRoot: String

        /// How long `initdb`, and each server start or stop, may take.
        public var timeout: TimeInterval

        public init(
            binDirectory: String? = nil,
            password: String? = nil,
            systemUser: String? = nil,
            serverSettings: [String: String] = [:],
            temporaryDirectoryRoot: String = "/tmp",
            timeout: TimeInterval = 120
        ) {
            self.binDirectory = binDirectory
            self.password = password
            self.systemUser = systemUser
            self.serverSettings = serverSettings
            self.temporaryDirectoryRoot = temporaryDirectoryRoot
            self.timeout = timeout
        }

        /// Rejects values that would corrupt the password file or postgresql.conf.
        func validate() throws {
            if let password {
                guard !password.isEmpty, !password.contains(where: \.isNewline) else {
                    throw LocalPostgresError("Options.password must be non-empty and a single line")
                }
            }
            for (name, value) in serverSettings {
                let validName = !name.isEmpty && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == ".") }
                guard validName, !value.contains(where: \.isNewline) else {
                    throw LocalPostgresError("invalid server setting \(name) = \(value)")
                }
            }
        }
    }
}
