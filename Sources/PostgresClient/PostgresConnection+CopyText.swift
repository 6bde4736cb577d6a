import CLibPQ

extension PostgresConnection {
    /// Streams a text or CSV `COPY (…) TO STDOUT` and hands `body` the bytes as the server sends
    /// them (libpq delivers one row per call), without decoding or keeping them.
    ///
    /// For exports: the caller writes the bytes where they belong and buffers as it likes. If
    /// `body` throws, the statement is cancelled, the rest of the stream dropped and the error
    /// rethrown. Returns the number of messages (rows) received. COPY takes no bind parameters:
    /// only values the caller formats itself may go into the text.
    @discardableResult
    public func copyOutBytes(_ sql: String, _ body: (UnsafeRawBufferPointer) throws -> Void) throws -> Int {
        try receiveCopyOut(sql) { bytes in
            try body(bytes)
            return 1
        }
    }

    /// The COPY-out loop both readers share: starts `sql`, hands `chunk` each message libpq
    /// delivers (one row) and sums what it returns. If `chunk` throws, the statement is cancelled
    /// (rather than reading the rest of a large table), the stream drained and the error rethrown
    /// after any server error is collected.
    func receiveCopyOut(_ sql: String, _ chunk: (UnsafeRawBufferPointer) throws -> Int) throws -> Int {
        let handle = try startCopy(sql, expecting: PGRES_COPY_OUT, statement: "COPY … TO STDOUT")
        var total = 0
        var failure: Error?
        while true {
            var buffer: UnsafeMutablePointer<CChar>?
            let length = PQgetCopyData(handle, &buffer, 0)
            guard length > 0, let buffer else { break }
            defer { PQfreemem(buffer) }
            guard failure == nil else { continue }
            do {
                total += try chunk(UnsafeRawBufferPointer(start: buffer, count: Int(length)))
            } catch {
                failure = error
                try? makeCanceller().cancel()
            }
        }
        let serverError = drainResults(query: sql)
        if let failure { throw failure }
        if let serverError { throw serverError }
        return total
    }
}
