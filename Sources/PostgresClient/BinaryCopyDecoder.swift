/// Splits a binary COPY byte stream into rows.
///
/// PostgreSQL sends one row per CopyData message (the header rides with the first), so
/// rows are normally decoded in place in libpq's buffer; a row split across messages is
/// carried over and decoded from a copy.
struct BinaryCopyDecoder {
    private var fields: UnsafeMutableBufferPointer<Int32>
    private var carry: [UInt8] = []
    private var headerDone = false
    private(set) var finished = false

    init() {
        fields = .allocate(capacity: 2 * 64)
    }

    mutating func deallocate() {
        fields.deallocate()
    }

    /// Decodes every complete row in `chunk`, calling `body` for each; returns how many.
    mutating func feed(_ chunk: UnsafeRawBufferPointer, _ body: (BinaryCopyRow) throws -> Void) throws -> Int {
        if carry.isEmpty {
            let consumed = try decode(chunk, body)
            if consumed.bytes < chunk.count { carry.append(contentsOf: chunk[consumed.bytes...]) }
            return consumed.rows
        }
        carry.append(contentsOf: chunk)
        let pending = carry
        carry.removeAll(keepingCapacity: true)
        return try pending.withUnsafeBytes { bytes in
            let consumed = try decode(bytes, body)
            if consumed.bytes < bytes.count { carry.append(contentsOf: bytes[consumed.bytes...]) }
            return consumed.rows
        }
    }

    /// Bytes left over that do not make a whole row (an error once the stream ended).
    var hasPartialRow: Bool { !carry.isEmpty }

    private mutating func decode(_ bytes: UnsafeRawBufferPointer, _ body: (BinaryCopyRow) throws -> Void) throws -> (bytes: Int, rows: Int) {
        guard let base = bytes.baseAddress else { return (0, 0) }
        let end = bytes.count
        var position = 0
        var rows = 0
        if !headerDone {
            guard end >= 19 else { return (0, 0) }
            guard bytes.prefix(11).elementsEqual(BinaryCopyEncoder.header.prefix(11)) else {
                throw PostgresError(code: .decoding, message: "COPY stream does not start with the binary signature (was FORMAT binary given?)")
            }
            let extensionLength = Int(UInt32(bigEndian: base.loadUnaligned(fromByteOffset: 15, as: UInt32.self)))
            guard end >= 19 + extensionLength else { return (0, 0) }
            position = 19 + extensionLength
            headerDone = true
        }
        while position + 2 <= end {
            let rowStart = position
            let fieldCount = Int(Int16(bigEndian: base.loadUnaligned(fromByteOffset: position, as: Int16.self)))
            position += 2
            if fieldCount == -1 {
                finished = true
                return (end, rows)
            }
            guard fieldCount >= 0 else {
                throw PostgresError(code: .decoding, message: "COPY row announces \(fieldCount) fields")
            }
            if 2 * fieldCount > fields.count {
                fields.deallocate()
                fields = .allocate(capacity: 2 * fieldCount)
            }
            var complete = true
            for field in 0..<fieldCount {
                guard position + 4 <= end else { complete = false; break }
                let length = Int(Int32(bigEndian: base.loadUnaligned(fromByteOffset: position, as: Int32.self)))
                position += 4
                fields[2 * field] = Int32(position)
                fields[2 * field + 1] = Int32(length)
                if length > 0 {
                    guard position + length <= end else { complete = false; break }
                    position += length
                }
            }
            guard complete else { return (rowStart, rows) }
            try body(BinaryCopyRow(fields: fields, base: UnsafeRawPointer(base), fieldCount: fieldCount))
            rows += 1
        }
        return (position, rows)
    }
}
