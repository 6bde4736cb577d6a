@testable import PostgresClient
import Testing

@Suite struct BinaryCopyDecoderTests {
    /// A stream of header, rows and trailer as the server would send it.
    func stream(rows: Int) -> [UInt8] {
        var encoder = BinaryCopyEncoder()
        for index in 0..<rows {
            encoder.beginRow(fieldCount: 3)
            encoder.write(Int64(index))
            encoder.write(index.isMultiple(of: 3) ? nil : "row \(index)")
            encoder.write(Double(index) / 4)
        }
        return BinaryCopyEncoder.header + encoder.buffer + BinaryCopyEncoder.trailer
    }

    func decode(_ bytes: [UInt8], chunkSize: Int) throws -> (ids: [Int64], texts: [String?], finished: Bool) {
        var decoder = BinaryCopyDecoder()
        defer { decoder.deallocate() }
        var ids: [Int64] = []
        var texts: [String?] = []
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + chunkSize)
            let chunk = Array(bytes[offset..<end])
            _ = try chunk.withUnsafeBytes { raw in
                try decoder.feed(raw) { row in
                    ids.append(try #require(try row.int64(0)))
                    texts.append(try row.string(1))
                }
            }
            offset = end
        }
        return (ids, texts, decoder.finished && !decoder.hasPartialRow)
    }

    @Test func rowsSplitAcrossChunksDecodeTheSameAsWholeRows() throws {
        let bytes = stream(rows: 50)
        let whole = try decode(bytes, chunkSize: bytes.count)
        #expect(whole.ids == Array(0..<50))
        #expect(whole.finished)
        for chunkSize in [1, 2, 3, 7, 19, 20, 64] {
            let split = try decode(bytes, chunkSize: chunkSize)
            #expect(split.ids == whole.ids, "chunk \(chunkSize)")
            #expect(split.texts == whole.texts, "chunk \(chunkSize)")
            #expect(split.finished)
        }
    }

    @Test func aStreamWithoutSignatureIsRejected() throws {
        var bytes = stream(rows: 1)
        bytes[0] = UInt8(ascii: "X")
        #expect(throws: PostgresError.self) { _ = try decode(bytes, chunkSize: bytes.count) }
    }

    @Test func aTruncatedStreamIsNotFinished() throws {
        let bytes = stream(rows: 10)
        let result = try decode(Array(bytes.dropLast(5)), chunkSize: 16)
        #expect(!result.finished)
    }
}
