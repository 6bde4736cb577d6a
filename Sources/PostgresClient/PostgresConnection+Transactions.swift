import Foundation

extension PostgresConnection {
    public enum IsolationLevel: String, Sendable {
        case readCommitted = "read committed"
        case repeatableRead = "repeatable read"
        case serializable = "serializable"
    }

    /// Runs `body` in a transaction: committed if it returns, rolled back if it throws.
    public func transaction<T>(
        isolation: IsolationLevel = .readCommitted,
        readOnly: Bool = false,
        _ body: () throws -> T
    ) throws -> T {
        try simpleQuery("begin isolation level \(isolation.rawValue)\(readOnly ? " read only" : "")")
        let value: T
        do {
            value = try body()
        } catch {
            // A broken connection cannot roll back; the server does it when the session ends.
            _ = try? simpleQuery("rollback")
            throw error
        }
        try simpleQuery("commit")
        return value
    }

    /// In a repeatable-read transaction, exports its snapshot so that other connections
    /// can read exactly the same data (`useSnapshot`).
    public func exportSnapshot() throws -> String {
        let result = try execute("select pg_export_snapshot()")
        guard let id = result[0][0].string else {
            throw PostgresError(code: .protocolViolation, message: "pg_export_snapshot returned no id")
        }
        return id
    }

    /// Inside a fresh repeatable-read transaction, adopts a snapshot exported by another connection.
    public func useSnapshot(_ id: String) throws {
        // SET TRANSACTION SNAPSHOT takes no parameters; the id is validated to hex and dashes.
        guard !id.isEmpty, id.allSatisfy({ $0.isHexDigit || $0 == "-" }) else {
            throw PostgresError(code: .invalidUsage, message: "not a snapshot id: \(id)")
        }
        try simpleQuery("set transaction snapshot '\(id)'")
    }

    /// Takes a session-level advisory lock if it is free; true if taken.
    public func tryAdvisoryLock(_ key: Int64) throws -> Bool {
        try execute("select pg_try_advisory_lock(\(key))")[0][0].bool ?? false
    }

    /// Waits for a session-level advisory lock up to `timeout` seconds (nil: forever);
    /// true if taken. Polls so that the wait can be bounded and logged.
    public func advisoryLock(_ key: Int64, timeout: Double?) throws -> Bool {
        let deadline = timeout.map { Date().addingTimeInterval($0) }
        var pause = 0.05
        while true {
            if try tryAdvisoryLock(key) { return true }
            if let deadline, Date() >= deadline { return false }
            Thread.sleep(forTimeInterval: min(pause, deadline.map { max(0, $0.timeIntervalSinceNow) } ?? pause))
            pause = min(pause * 2, 1)
        }
    }

    /// Releases a session-level advisory lock; false if this session did not hold it.
    @discardableResult
    public func advisoryUnlock(_ key: Int64) throws -> Bool {
        try execute("select pg_advisory_unlock(\(key))")[0][0].bool ?? false
    }

    /// A stable 64-bit lock key for a name (FNV-1a), so every segflow process agrees on it.
    public static func advisoryLockKey(for name: String) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return Int64(bitPattern: hash)
    }
}
