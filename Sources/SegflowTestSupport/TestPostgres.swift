import Foundation
import LocalPostgres
import Logging

/// The process-wide throwaway PostgreSQL cluster for tests.
///
/// Started lazily on first use, once, however many tests ask at the same time
/// (Swift Testing runs tests in parallel in one process), and stopped at process
/// exit. Each test gets its own database from ``makeDatabase(prefix:)``, so tests
/// stay isolated without paying a cluster start (about a second) each.
///
/// Always a private cluster, never an external server: tests can create, drop
/// and restart freely.
public enum TestPostgres {
    private static let lock = NSLock()
    /// Guarded by `lock`. A failed start is remembered so every test reports
    /// the same clear error instead of each retrying a slow `initdb`.
    nonisolated(unsafe) private static var started: Result<LocalPostgresCluster, any Error>?
    nonisolated(unsafe) private static var databaseCounter = 0

    /// The shared cluster, started on first call.
    ///
    /// Don't ``LocalPostgresCluster/stop()`` it; tests that need to stop or
    /// restart a server should start their own with ``LocalPostgresCluster/start(options:logger:)``.
    public static func cluster() throws -> LocalPostgresCluster {
        try lock.withLock {
            if let started {
                return try started.get()
            }
            // Started under the lock: concurrent first callers wait for this one start.
            let result = Result { try LocalPostgresCluster.start(logger: testLogger("segflow.test-postgres")) }
            started = result
            return try result.get()
        }
    }

    /// Creates a fresh, uniquely named, empty database in the shared cluster.
    ///
    /// - Parameter prefix: start of the database name, to tell tests apart in
    ///   logs; lowercased, and characters other than letters, digits and `_`
    ///   become `_`.
    public static func makeDatabase(prefix: String = "t") throws -> TestDatabaseInfo {
        let cluster = try cluster()
        let number = lock.withLock { () -> Int in
            databaseCounter += 1
            return databaseCounter
        }
        let name = databaseName(prefix: prefix, number: number)
        try cluster.createDatabase(name)
        return TestDatabaseInfo(name: name, cluster: cluster)
    }

    /// `<prefix>_<number>_<random>`, at most 63 bytes (PostgreSQL's identifier limit).
    static func databaseName(prefix: String, number: Int) -> String {
        let cleaned = String(prefix.lowercased().map { character -> Character in
            character.isASCII && (character.isLetter || character.isNumber) ? character : "_"
        }.prefix(40))
        let random = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        return "\(cleaned.isEmpty ? "t" : cleaned)_\(number)_\(random)"
    }
}
