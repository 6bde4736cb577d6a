import CLibPQ

extension PostgresConnection {
    /// Streams `COPY (…) TO STDOUT (FORMAT binary)` and calls `body` once per row.
    ///
    /// Rows are decoded in place; a `BinaryCopyRow` must not outlive the call. If `body`
    /// throws, the statement is cancelled, the stream drained and the error rethrown.
    /// Returns the number of rows. `sql` runs as exactly one statement (see `startCopy`).
    /// COPY takes no bind parameters: only values the caller formats itself may go into the text.
    @discardableResult
    public func copyOut(_ sql: String, _ body: (BinaryCopyRow) throws -> Void) throws -> Int {
        var decoder = BinaryCopyDecoder()
        defer { decoder.deallocate() }
        let rows = try receiveCopyOut(sql) { try decoder.feed($0, body) }
        if !decoder.finished || decoder.hasPartialRow {
            throw PostgresError(code: .decoding, message: "COPY stream ended without its trailer", query: sql)
        }
        return rows
    }

    /// Runs `COPY … FROM STDIN (FORMAT binary)`; `body` sends encoded rows through the stream.
    ///
    /// The header and trailer are added here. If `body` throws, the COPY is aborted (the
    /// server rolls back the statement) and the error rethrown. Returns the rows loaded.
    @discardableResult
    public func copyIn(_ sql: String, _ body: (CopyInStream) throws -> Void) throws -> Int {
        let handle = try startCopy(sql, expecting: PGRES_COPY_IN, statement: "COPY … FROM STDIN")

        let stream = CopyInStream(connection: self, handle: handle)
        do {
            try stream.send(BinaryCopyEncoder.header)
            try body(stream)
            try stream.send(BinaryCopyEncoder.trailer)
        } catch {
            _ = PQputCopyEnd(handle, "segflow aborted the COPY")
            _ = drainResults(query: sql)
            throw error
        }
        guard PQputCopyEnd(handle, nil) == 1 else {
            let error = connectionError(query: sql)
            _ = drainResults(query: sql)
            throw error
        }
        var loaded = 0
        var firstError: PostgresError?
        while let result = PQgetResult(handle) {
            if PQresultStatus(result) == PGRES_COMMAND_OK {
                loaded = PostgresResult(owning: result).affectedRows
            } else {
                if firstError == nil { firstError = makeError(result, query: sql) }
                PQclear(result)
            }
        }
        if let firstError { throw firstError }
        return loaded
    }

    /// Encodes `rows` with `encode` and loads them through binary COPY, sending 1 MiB at a time.
    @discardableResult
    public func copyIn<Rows: Sequence>(
        _ sql: String,
        rows: Rows,
        encode: (inout BinaryCopyEncoder, Rows.Element) throws -> Void
    ) throws -> Int {
        try copyIn(sql) { stream in
            var encoder = BinaryCopyEncoder(capacity: 1 << 20 + 1 << 16)
            for row in rows {
                try encode(&encoder, row)
                if encoder.byteCount >= 1 << 20 { try stream.send(&encoder) }
            }
            try stream.send(&encoder)
        }
    }

    /// Sends a COPY statement and checks that the server entered the expected COPY mode.
    ///
    /// Through the extended query protocol (`PQexecParams` without parameters), which the
    /// server runs as one statement: text that would end the COPY and start another (as a
    /// hostile source query could) is a syntax error instead of a second statement.
    func startCopy(_ sql: String, expecting mode: ExecStatusType, statement: String) throws -> OpaquePointer {
        let handle = try liveHandle()
        guard let start = PQexecParams(handle, sql, 0, nil, nil, nil, nil, 0) else { throw connectionError(query: sql) }
        defer { PQclear(start) }
        let status = PQresultStatus(start)
        guard status == mode else {
            if status == PGRES_FATAL_ERROR { throw makeError(start, query: sql) }
            throw PostgresError(code: .invalidUsage, message: "expected a \(statement) statement", query: sql)
        }
        return handle
    }

    /// Reads results until libpq has none left; returns the first error among them.
    func drainResults(query: String) -> PostgresError? {
        guard let handle else { return PostgresError(code: .connectionFailed, message: "the connection is closed", query: query) }
        var firstError: PostgresError?
        while let result = PQgetResult(handle) {
            let status = PQresultStatus(result)
            if status == PGRES_COPY_OUT {
                // Still streaming (the caller stopped early): read and drop the rest.
                var buffer: UnsafeMutablePointer<CChar>?
                while PQgetCopyData(handle, &buffer, 0) > 0 {
                    PQfreemem(buffer)
                    buffer = nil
                }
            } else if status == PGRES_COPY_IN {
                _ = PQputCopyEnd(handle, "segflow aborted the COPY")
            } else if status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK {
                if firstError == nil { firstError = makeError(result, query: query) }
            }
            PQclear(result)
        }
        if firstError == nil, PQstatus(handle) != CONNECTION_OK {
            firstError = connectionError(query: query)
        }
        return firstError
    }
}

/// The sending side of a `copyIn`; only valid inside its closure.
public final class CopyInStream {
    private unowned let connection: PostgresConnection
    private let handle: OpaquePointer
    public private(set) var bytesSent = 0

    init(connection: PostgresConnection, handle: OpaquePointer) {
        self.connection = connection
        self.handle = handle
    }

    /// Sends the encoder's rows and empties it.
    public func send(_ encoder: inout BinaryCopyEncoder) throws {
        try send(encoder.buffer)
        encoder.removeAll()
    }

    /// Sends bytes already in binary COPY row format.
    public func send(_ bytes: [UInt8]) throws {
        guard !bytes.isEmpty else { return }
        try bytes.withUnsafeBytes { try send($0) }
    }

    public func send(_ bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        let pointer = base.assumingMemoryBound(to: CChar.self)
        guard PQputCopyData(handle, pointer, Int32(bytes.count)) == 1 else {
            throw connection.connectionError(query: nil)
        }
        bytesSent += bytes.count
    }
}
