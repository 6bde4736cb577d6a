import Foundation

/// Encodes rows in PostgreSQL's binary COPY format into a byte buffer.
///
/// Each row starts with `beginRow(fieldCount:)`, then one `write…` call per column in
/// table order. The header and trailer are added by `PostgresConnection.copyIn`, so
/// several encoders (one per worker thread) can encode rows for the same COPY.
public struct BinaryCopyEncoder: Sendable {
    /// Encoded rows, without header or trailer.
    public private(set) var buffer: [UInt8]
    /// Rows begun since the buffer was last emptied.
    public private(set) var rowCount: Int = 0

    /// The 19-byte header every binary COPY stream starts with.
    public static let header: [UInt8] = Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00] + [0, 0, 0, 0] + [0, 0, 0, 0]
    /// The end-of-data marker: a field count of -1.
    public static let trailer: [UInt8] = [0xFF, 0xFF]

    public init(capacity: Int = 1 << 20) {
        buffer = []
        buffer.reserveCapacity(capacity)
    }

    public var byteCount: Int { buffer.count }

    public mutating func beginRow(fieldCount: Int) {
        appendBigEndian(Int16(fieldCount))
        rowCount += 1
    }

    public mutating func removeAll() {
        buffer.removeAll(keepingCapacity: true)
        rowCount = 0
    }

    public mutating func writeNull() {
        appendBigEndian(Int32(-1))
    }

    public mutating func write(_ value: Int16) {
        appendBigEndian(Int32(2))
        appendBigEndian(value)
    }

    public mutating func write(_ value: Int32) {
        appendBigEndian(Int32(4))
        appendBigEndian(value)
    }

    public mutating func write(_ value: Int64) {
        appendBigEndian(Int32(8))
        appendBigEndian(value)
    }

    public mutating func write(_ value: Bool) {
        appendBigEndian(Int32(1))
        buffer.append(value ? 1 : 0)
    }

    /// A `float8` column.
    public mutating func write(_ value: Double) {
        appendBigEndian(Int32(8))
        appendBigEndian(value.bitPattern)
    }

    /// A `text` (or `varchar`) column, UTF-8.
    public mutating func write(_ value: String) {
        var value = value
        value.withUTF8 { bytes in
            appendBigEndian(Int32(bytes.count))
            buffer.append(contentsOf: bytes)
        }
    }

    /// A `date` column.
    public mutating func write(_ value: PostgresDate) {
        write(value.daysSince2000)
    }

    /// A `timestamptz` (or `timestamp`) column.
    public mutating func write(_ value: PostgresTimestamp) {
        write(value.microsecondsSince2000)
    }

    /// A `uuid` column.
    public mutating func write(_ value: UUID) {
        appendBigEndian(Int32(16))
        withUnsafeBytes(of: value.uuid) { buffer.append(contentsOf: $0) }
    }

    /// A `numeric` column holding `scaled / 10^scale`; integer arithmetic only.
    /// `scale` is 0...16.
    public mutating func writeNumeric(scaled: Int64, scale: Int) {
        precondition(scale >= 0 && scale <= 16, "scale out of range")
        let divisor = UInt64(PostgresNumeric.powerOfTen(scale))
        var integerPart = scaled.magnitude / divisor
        let fractionGroupCount = (scale + 3) / 4
        var fraction = (scaled.magnitude % divisor) * UInt64(PostgresNumeric.powerOfTen(fractionGroupCount * 4 - scale))
        // Int64's magnitude needs at most 5 base-10000 groups on each side of the point.
        withUnsafeTemporaryAllocation(of: Int16.self, capacity: 10) { digits in
            // Integer groups go in from the right end of the first half, fraction groups after it.
            var first = 5
            while integerPart > 0 {
                first -= 1
                digits[first] = Int16(integerPart % 10_000)
                integerPart /= 10_000
            }
            for index in stride(from: 5 + fractionGroupCount - 1, through: 5, by: -1) {
                digits[index] = Int16(fraction % 10_000)
                fraction /= 10_000
            }
            var end = 5 + fractionGroupCount
            var weight = 5 - first - 1
            while first < end, digits[first] == 0 {
                first += 1
                weight -= 1
            }
            while end > first, digits[end - 1] == 0 { end -= 1 }
            let count = end - first
            appendBigEndian(Int32(8 + 2 * count))
            appendBigEndian(Int16(count))
            appendBigEndian(Int16(count == 0 ? 0 : weight))
            let sign = scaled < 0 && count > 0 ? PostgresNumeric.Sign.negative : .positive
            appendBigEndian(sign.rawValue)
            appendBigEndian(Int16(scale))
            for index in first..<end { appendBigEndian(digits[index]) }
        }
    }

    /// A `numeric` column of any precision.
    public mutating func write(_ value: PostgresNumeric) {
        appendBigEndian(Int32(8 + 2 * value.digits.count))
        appendBigEndian(Int16(value.digits.count))
        appendBigEndian(value.weight)
        appendBigEndian(value.sign.rawValue)
        appendBigEndian(value.displayScale)
        for digit in value.digits { appendBigEndian(digit) }
    }

    /// Writes the value or NULL.
    public mutating func write(_ value: Int64?) { if let value { write(value) } else { writeNull() } }
    public mutating func write(_ value: Int32?) { if let value { write(value) } else { writeNull() } }
    public mutating func write(_ value: Int16?) { if let value { write(value) } else { writeNull() } }
    public mutating func write(_ value: Bool?) { if let value { write(value) } else { writeNull() } }
    public mutating func write(_ value: Double?) { if let value { write(value) } else { writeNull() } }
    public mutating func write(_ value: String?) { if let value { write(value) } else { writeNull() } }
    public mutating func write(_ value: PostgresDate?) { if let value { write(value) } else { writeNull() } }
    public mutating func write(_ value: PostgresTimestamp?) { if let value { write(value) } else { writeNull() } }
    public mutating func write(_ value: UUID?) { if let value { write(value) } else { writeNull() } }
    public mutating func write(_ value: PostgresNumeric?) { if let value { write(value) } else { writeNull() } }
    public mutating func writeNumeric(scaled: Int64?, scale: Int) {
        if let scaled { writeNumeric(scaled: scaled, scale: scale) } else { writeNull() }
    }

    /// Appends rows another encoder produced.
    public mutating func append(contentsOf other: BinaryCopyEncoder) {
        buffer.append(contentsOf: other.buffer)
        rowCount += other.rowCount
    }

    /// Byte by byte: `append(contentsOf:)` of a 2–8 byte raw buffer goes through the
    /// generic sequence path and cost a sixth of the generator's CPU.
    @inline(__always)
    private mutating func appendBigEndian<T: FixedWidthInteger>(_ value: T) {
        var shift = T.bitWidth - 8
        while shift >= 0 {
            buffer.append(UInt8(truncatingIfNeeded: value >> shift))
            shift -= 8
        }
    }
}
