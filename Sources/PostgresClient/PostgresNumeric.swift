/// An exact PostgreSQL `numeric`, in its own base-10000 representation.
///
/// Round-trips any value the server sends (including NaN and very large or very small
/// numbers). Hot paths that only need money use `init(scaled:scale:)` and `scaled(to:)`,
/// which work on integers and never touch strings.
public struct PostgresNumeric: Hashable, Sendable, CustomStringConvertible, LosslessStringConvertible {
    public enum Sign: UInt16, Sendable {
        case positive = 0x0000
        case negative = 0x4000
        case nan = 0xC000
        // PostgreSQL 14+: numeric admits ±Infinity (unconstrained numeric columns only).
        case positiveInfinity = 0xD000
        case negativeInfinity = 0xF000
    }

    /// Base-10000 digits, most significant first.
    public var digits: [Int16]
    /// Power of 10000 of the first digit.
    public var weight: Int16
    public var sign: Sign
    /// Digits after the decimal point to display.
    public var displayScale: Int16

    public static let nan = PostgresNumeric(digits: [], weight: 0, sign: .nan, displayScale: 0)
    public static let zero = PostgresNumeric(digits: [], weight: 0, sign: .positive, displayScale: 0)

    public init(digits: [Int16], weight: Int16, sign: Sign, displayScale: Int16) {
        self.digits = digits
        self.weight = weight
        self.sign = sign
        self.displayScale = displayScale
    }

    /// `scaled / 10^scale`, e.g. `init(scaled: 1999, scale: 2)` is 19.99.
    public init(scaled: Int64, scale: Int) {
        precondition(scale >= 0 && scale <= 18, "scale out of range")
        sign = scaled < 0 ? .negative : .positive
        displayScale = Int16(scale)
        let magnitude = scaled.magnitude
        let divisor = UInt64(Self.powerOfTen(scale))
        var integerPart = magnitude / divisor
        var fraction = magnitude % divisor
        // Integer groups, least significant first.
        var integerGroups: [Int16] = []
        while integerPart > 0 {
            integerGroups.append(Int16(integerPart % 10_000))
            integerPart /= 10_000
        }
        // Fraction groups: pad the fraction to a multiple of four decimal digits.
        let fractionGroupCount = (scale + 3) / 4
        fraction *= UInt64(Self.powerOfTen(fractionGroupCount * 4 - scale))
        var fractionGroups = [Int16](repeating: 0, count: fractionGroupCount)
        for index in stride(from: fractionGroupCount - 1, through: 0, by: -1) {
            fractionGroups[index] = Int16(fraction % 10_000)
            fraction /= 10_000
        }
        var all = integerGroups.reversed() + fractionGroups
        var weight = integerGroups.count - 1
        while let first = all.first, first == 0 {
            all.removeFirst()
            weight -= 1
        }
        while let last = all.last, last == 0 { all.removeLast() }
        self.digits = all
        self.weight = all.isEmpty ? 0 : Int16(weight)
        if all.isEmpty { sign = .positive }
    }

    /// Parses a decimal literal such as `-123.4500`, `1e-3` is not accepted; `NaN` is.
    public init?(_ description: String) {
        var text = Substring(description.trimmingSpaces)
        if text.lowercased() == "nan" {
            self = .nan
            return
        }
        var negative = false
        if let first = text.first, first == "-" || first == "+" {
            negative = first == "-"
            text = text.dropFirst()
        }
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let integerText = parts[0]
        let fractionText = parts.count > 1 ? parts[1] : ""
        guard !(integerText.isEmpty && fractionText.isEmpty),
              integerText.allSatisfy(\.isASCIIDigit), fractionText.allSatisfy(\.isASCIIDigit) else { return nil }
        let integerDigits = Array(integerText.drop { $0 == "0" }.utf8).map { Int($0 - 48) }
        let fractionDigits = Array(fractionText.utf8).map { Int($0 - 48) }
        // Left-pad integer digits and right-pad fraction digits to multiples of four.
        let integerPadded = [Int](repeating: 0, count: (4 - integerDigits.count % 4) % 4) + integerDigits
        let fractionPadded = fractionDigits + [Int](repeating: 0, count: (4 - fractionDigits.count % 4) % 4)
        var groups: [Int16] = []
        for chunk in stride(from: 0, to: integerPadded.count, by: 4) {
            groups.append(Int16(integerPadded[chunk..<chunk + 4].reduce(0) { $0 * 10 + $1 }))
        }
        let integerGroupCount = groups.count
        for chunk in stride(from: 0, to: fractionPadded.count, by: 4) {
            groups.append(Int16(fractionPadded[chunk..<chunk + 4].reduce(0) { $0 * 10 + $1 }))
        }
        var weight = integerGroupCount - 1
        while let first = groups.first, first == 0 {
            groups.removeFirst()
            weight -= 1
        }
        while let last = groups.last, last == 0 { groups.removeLast() }
        guard weight <= Int(Int16.max), fractionDigits.count <= Int(Int16.max) else { return nil }
        self.digits = groups
        self.weight = groups.isEmpty ? 0 : Int16(weight)
        self.sign = negative && !groups.isEmpty ? .negative : .positive
        self.displayScale = Int16(fractionDigits.count)
    }

    public var isNaN: Bool { sign == .nan }

    /// Neither NaN nor ±Infinity.
    public var isFinite: Bool { sign == .positive || sign == .negative }

    public var description: String {
        switch sign {
        case .nan: return "NaN"
        case .positiveInfinity: return "Infinity"
        case .negativeInfinity: return "-Infinity"
        case .positive, .negative: break
        }
        var result = sign == .negative ? "-" : ""
        // Integer part.
        if weight < 0 || digits.isEmpty {
            result += "0"
        } else {
            for index in 0...Int(weight) {
                let group = index < digits.count ? Int(digits[index]) : 0
                result += index == 0 ? String(group) : PostgresNumeric.pad4(group)
            }
        }
        if displayScale > 0 {
            var fraction = ""
            var exponent = -1
            while fraction.count < Int(displayScale) {
                let index = Int(weight) - exponent
                let group = index >= 0 && index < digits.count ? Int(digits[index]) : 0
                fraction += PostgresNumeric.pad4(group)
                exponent -= 1
            }
            result += "." + fraction.prefix(Int(displayScale))
        }
        return result
    }

    /// The nearest Double.
    public var doubleValue: Double {
        switch sign {
        case .nan: return .nan
        case .positiveInfinity: return .infinity
        case .negativeInfinity: return -.infinity
        case .positive, .negative: break
        }
        var value = 0.0
        for (index, digit) in digits.enumerated() {
            value += Double(digit) * Self.pow10000(Int(weight) - index)
        }
        return sign == .negative ? -value : value
    }

    /// The value times `10^scale`, rounded half away from zero (as PostgreSQL's `round`);
    /// nil for NaN, ±Infinity or on overflow. `scale` is 0...4.
    public func scaled(to scale: Int) -> Int64? {
        Self.scaledValue(digitCount: digits.count, weight: Int(weight), sign: sign, scale: scale) { digits[$0] }
    }

    /// The shared integer conversion, also used on digits still in a COPY buffer.
    static func scaledValue(digitCount: Int, weight: Int, sign: Sign, scale: Int, digit: (Int) -> Int16) -> Int64? {
        guard sign == .positive || sign == .negative, (0...4).contains(scale) else { return nil }
        // Value in units of 10^-4, truncated, plus the next base-10000 digit for rounding.
        var units: Int64 = 0
        var roundingDigit: Int64 = 0
        for exponent in stride(from: weight, through: -1, by: -1) {
            let index = weight - exponent
            let value = index < digitCount ? Int64(digit(index)) : 0
            let (multiplied, overflow1) = units.multipliedReportingOverflow(by: 10_000)
            let (added, overflow2) = multiplied.addingReportingOverflow(value)
            guard !overflow1, !overflow2 else { return nil }
            units = added
        }
        // The base-10000 digit at exponent -2 decides rounding at scale 4.
        let roundingIndex = weight + 2
        if roundingIndex >= 0, roundingIndex < digitCount {
            roundingDigit = Int64(digit(roundingIndex))
        }
        let dropFactor = Int64(powerOfTen(4 - scale))
        var result = units / dropFactor
        let dropped = units % dropFactor
        // Rounding up can itself overflow (a value just below Int64.max units).
        if (scale == 4 && roundingDigit >= 5_000) || (scale < 4 && dropped * 2 >= dropFactor) {
            guard result < Int64.max else { return nil }
            result += 1
        }
        // Malformed digits (outside 0...9999) can reach Int64.min, which has no negation.
        guard sign == .positive || result != .min else { return nil }
        return sign == .negative ? -result : result
    }

    static func powerOfTen(_ exponent: Int) -> Int64 {
        var value: Int64 = 1
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    static func pow10000(_ exponent: Int) -> Double {
        var value = 1.0
        if exponent >= 0 {
            for _ in 0..<exponent { value *= 10_000 }
        } else {
            for _ in 0..<(-exponent) { value /= 10_000 }
        }
        return value
    }

    static func pad4(_ value: Int) -> String {
        let text = String(value)
        // max(0, …): a malformed digit from the wire (> 9999 or < 0) is printed as it is.
        return String(repeating: "0", count: max(0, 4 - text.count)) + text
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

extension String {
    var trimmingSpaces: String {
        var slice = Substring(self)
        while let first = slice.first, first == " " { slice = slice.dropFirst() }
        while let last = slice.last, last == " " { slice = slice.dropLast() }
        return String(slice)
    }
}
