import CLibPQ

/// Cancels the statement a connection is running, from any thread. Owns its `PGcancel`.
public final class PostgresCanceller: @unchecked Sendable {
    // libpq documents PQcancel as safe to call from another thread (even a signal handler);
    // the PGcancel object is never mutated after creation.
    private let handle: OpaquePointer

    init(owning handle: OpaquePointer) {
        self.handle = handle
    }

    deinit {
        PQfreeCancel(handle)
    }

    /// Asks the server to cancel the running statement. The statement then fails with
    /// SQLSTATE 57014 (`PostgresError.isCancellation`); nothing happens if none is running.
    public func cancel() throws {
        var buffer = [CChar](repeating: 0, count: 256)
        guard PQcancel(handle, &buffer, Int32(buffer.count)) == 1 else {
            let message = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw PostgresError(code: .connectionFailed, message: "cancel request failed: \(message)")
        }
    }
}
