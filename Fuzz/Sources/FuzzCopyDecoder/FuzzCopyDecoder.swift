@testable import PostgresClient
import FuzzDriver

/// libFuzzer entry: the first byte splits the input into two chunks (a row may span
/// CopyData messages); the rest is a binary COPY stream. Every field of every row is read
/// through every typed accessor: each may throw a decoding error but must never crash or
/// read outside the stream.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCopyDecoder(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let stream = UnsafeRawBufferPointer(start: data + 1, count: size - 1)
    let split = min(Int(data[0]) * 4, stream.count)
    var decoder = BinaryCopyDecoder()
    defer { decoder.deallocate() }
    do {
        for chunk in [UnsafeRawBufferPointer(rebasing: stream[..<split]), UnsafeRawBufferPointer(rebasing: stream[split...])] {
            _ = try decoder.feed(chunk) { row in
                for field in 0..<row.fieldCount { readEveryWay(row, field) }
            }
        }
    } catch {
        _ = "\(error)"
    }
    return 0
}

private func readEveryWay(_ row: BinaryCopyRow, _ field: Int) {
    _ = row.isNull(field)
    _ = try? row.int64(field)
    _ = try? row.int32(field)
    _ = try? row.int16(field)
    _ = try? row.bool(field)
    _ = try? row.double(field)
    _ = (try? row.date(field))??.description
    _ = (try? row.timestamp(field))??.description
    _ = try? row.string(field)
    _ = try? row.uuid(field)
    _ = (try? row.numeric(field))??.description
    _ = (try? row.numeric(field))??.doubleValue
    _ = try? row.numericDouble(field)
    for scale in 0...4 {
        _ = try? row.numericScaled(field, scale: scale)
        _ = try? row.scaledNumeric(field, scale: scale)
    }
    _ = row.withBytes(field) { $0.count }
}

/// The entry point SwiftPM links as `main` (it renames an executable's `main` to
/// `<module>_main`): hands over to libFuzzer with the input callback above.
@_cdecl("fuzz_copy_decoder_main")
public func fuzzCopyDecoderMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in
        guard let data else { return 0 }
        return fuzzCopyDecoder(data, size)
    }
}
