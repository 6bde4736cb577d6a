/// A connection string (or `PGPORT`) libpq cannot use: a configuration error (exit 2),
/// never retried. `description` names the problem and never the password.
public struct ConnectionStringError: Error, Sendable, CustomStringConvertible {
    /// Stable code for logs and tests.
    public static let code = "invalidConnectionString"
    public var problem: String

    public init(problem: String) {
        self.problem = problem
    }

    public var description: String { "invalid connection string: \(problem)" }
}
