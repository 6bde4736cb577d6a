import Foundation

/// One row of a binary `COPY … TO STDOUT`, read in place.
///
/// A row is only valid inside the closure it is handed to. Accessors decode straight from
/// the COPY buffer; none allocates except those returning `String`, `PostgresNumeric` or
/// `UUID`. The caller knows the column types (binary COPY does not carry them); a value of
/// the wrong size throws a decoding error instead of reading garbage.
public struct BinaryCopyRow {
    /// Field offsets and lengths, interleaved; length -1 is NULL.
    let fields: UnsafeMutableBufferPointer<Int32>
    let base: UnsafeRawPointer
    public let fieldCount: Int

    public func isNull(_ field: Int) -> Bool {
        fields[2 * field + 1] < 0
    }

    @inline(__always)
    private func span(_ field: Int) -> (offset: Int, length: Int) {
        (Int(fields[2 * field]), Int(fields[2 * field + 1]))
    }

    @inline(__always)
    private func loadBigEndian<T: FixedWidthInteger>(_ offset: Int, as: T.Type) -> T {
        T(bigEndian: base.loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    private func sizeError(_ field: Int, _ type: String, _ length: Int) -> PostgresError {
        PostgresError(code: .decoding, message: "COPY field \(field + 1): \(length) bytes cannot be \(type)")
    }

    /// An int2, int4 or int8 column.
    public func int64(_ field: Int) throws -> Int64? {
        let (offset, length) = span(field)
        switch length {
        case -1: return nil
        case 8: return loadBigEndian(offset, as: Int64.self)
        case 4: return Int64(loadBigEndian(offset, as: Int32.self))
        case 2: return Int64(loadBigEndian(offset, as: Int16.self))
        default: throw sizeError(field, "an integer", length)
        }
    }

    /// An int2 or int4 column.
    public func int32(_ field: Int) throws -> Int32? {
        let (offset, length) = span(field)
        switch length {
        case -1: return nil
        case 4: return loadBigEndian(offset, as: Int32.self)
        case 2: return Int32(loadBigEndian(offset, as: Int16.self))
        default: throw sizeError(field, "an int4", length)
        }
    }

    public func int16(_ field: Int) throws -> Int16? {
        let (offset, length) = span(field)
        switch length {
        case -1: return nil
        case 2: return loadBigEndian(offset, as: Int16.self)
        default: throw sizeError(field, "an int2", length)
        }
    }

    public func bool(_ field: Int) throws -> Bool? {
        let (offset, length) = span(field)
        switch length {
        case -1: return nil
        case 1: return base.load(fromByteOffset: offset, as: UInt8.self) != 0
        default: throw sizeError(field, "a bool", length)
        }
    }

    /// A float8 or float4 column.
    public func double(_ field: Int) throws -> Double? {
        let (offset, length) = span(field)
        switch length {
        case -1: return nil
        case 8: return Double(bitPattern: loadBigEndian(offset, as: UInt64.self))
        case 4: return Double(Float(bitPattern: loadBigEndian(offset, as: UInt32.self)))
        default: throw sizeError(field, "a float", length)
        }
    }

    public func date(_ field: Int) throws -> PostgresDate? {
        try int32(field).map { PostgresDate(daysSince2000: $0) }
    }

    /// A timestamptz or timestamp column.
    public func timestamp(_ field: Int) throws -> PostgresTimestamp? {
        let (offset, length) = span(field)
        switch length {
        case -1: return nil
        case 8: return PostgresTimestamp(microsecondsSince2000: loadBigEndian(offset, as: Int64.self))
        default: throw sizeError(field, "a timestamp", length)
        }
    }

    /// A text, varchar or char column, as UTF-8.
    public func string(_ field: Int) throws -> String? {
        let (offset, length) = span(field)
        guard length >= 0 else { return nil }
        return String(decoding: UnsafeRawBufferPointer(start: base + offset, count: length), as: UTF8.self)
    }

    /// The raw bytes of a field, without copying; nil for NULL.
    public func withBytes<T>(_ field: Int, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T? {
        let (offset, length) = span(field)
        guard length >= 0 else { return nil }
        return try body(UnsafeRawBufferPointer(start: base + offset, count: length))
    }

    public func uuid(_ field: Int) throws -> UUID? {
        let (offset, length) = span(field)
        switch length {
        case -1: return nil
        case 16:
            var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            withUnsafeMutableBytes(of: &bytes) { $0.copyMemory(from: UnsafeRawBufferPointer(start: base + offset, count: 16)) }
            return UUID(uuid: bytes)
        default: throw sizeError(field, "a uuid", length)
        }
    }

    private func numericHeader(_ field: Int) throws -> (offset: Int, count: Int, weight: Int, sign: PostgresNumeric.Sign, scale: Int16)? {
        let (offset, length) = span(field)
        guard length >= 0 else { return nil }
        guard length >= 8 else { throw sizeError(field, "a numeric", length) }
        let count = Int(loadBigEndian(offset, as: Int16.self))
        guard count >= 0, length == 8 + 2 * count,
              let sign = PostgresNumeric.Sign(rawValue: loadBigEndian(offset + 4, as: UInt16.self)) else {
            throw sizeError(field, "a numeric", length)
        }
        return (offset, count, Int(loadBigEndian(offset + 2, as: Int16.self)), sign, loadBigEndian(offset + 6, as: Int16.self))
    }

    /// A numeric column, exactly.
    public func numeric(_ field: Int) throws -> PostgresNumeric? {
        guard let header = try numericHeader(field) else { return nil }
        let digits = (0..<header.count).map { loadBigEndian(header.offset + 8 + 2 * $0, as: Int16.self) }
        return PostgresNumeric(digits: digits, weight: Int16(header.weight), sign: header.sign, displayScale: header.scale)
    }

    /// A numeric column as an integer count of `10^-scale` units (cents for scale 2),
    /// rounded half away from zero; no allocation. `scale` is 0...4.
    public func numericScaled(_ field: Int, scale: Int) throws -> Int64? {
        guard let header = try numericHeader(field) else { return nil }
        let digitsStart = header.offset + 8
        guard let value = PostgresNumeric.scaledValue(digitCount: header.count, weight: header.weight, sign: header.sign, scale: scale, digit: {
            loadBigEndian(digitsStart + 2 * $0, as: Int16.self)
        }) else {
            throw PostgresError(code: .decoding, message: "COPY field \(field + 1): numeric is NaN, infinite or too large for \(scale) decimals")
        }
        return value
    }

    /// Like `numericScaled`, but a value no `Int64` count of `10^-scale` can hold (NaN,
    /// ±Infinity, too large) is `.unrepresentable` instead of an error: it is data the
    /// caller rejects, not a broken stream. nil for NULL.
    public func scaledNumeric(_ field: Int, scale: Int) throws -> ScaledNumeric? {
        guard let header = try numericHeader(field) else { return nil }
        let digitsStart = header.offset + 8
        let value = PostgresNumeric.scaledValue(digitCount: header.count, weight: header.weight, sign: header.sign, scale: scale) {
            loadBigEndian(digitsStart + 2 * $0, as: Int16.self)
        }
        return value.map(ScaledNumeric.exact) ?? .unrepresentable
    }

    /// A numeric column as the nearest Double; no allocation.
    public func numericDouble(_ field: Int) throws -> Double? {
        guard let header = try numericHeader(field) else { return nil }
        switch header.sign {
        case .nan: return .nan
        case .positiveInfinity: return .infinity
        case .negativeInfinity: return -.infinity
        case .positive, .negative: break
        }
        var value = 0.0
        for index in 0..<header.count {
            value += Double(loadBigEndian(header.offset + 8 + 2 * index, as: Int16.self)) * PostgresNumeric.pow10000(header.weight - index)
        }
        return header.sign == .negative ? -value : value
    }
}
