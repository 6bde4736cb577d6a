/// Daily exchange rates to the base currency; amounts convert with the newest rate on or
/// before the order's local day, rounded half away from zero to the cent.
final class FxTable: @unchecked Sendable {
    let baseCurrency: String
    /// Per currency: days (since 1970, ascending) and rates scaled by 10^8.
    @exclusivity(unchecked) private var days: [String: [Int32]] = [:]
    @exclusivity(unchecked) private var rates: [String: [Int64]] = [:]
    @exclusivity(unchecked) private var pending: [String: [(day: Int32, rate: Int64)]] = [:]

    init(baseCurrency: String) {
        self.baseCurrency = baseCurrency
    }

    /// Adds a rate; the greater wins for a repeated (day, currency). Returns false for a duplicate.
    func add(currency: String, day: Int32, rateE8: Int64) {
        pending[currency, default: []].append((day, rateE8))
    }

    /// Sorts the rates; call once after loading. Returns the number of duplicate (day, currency) rows dropped.
    @discardableResult
    func seal() -> [(currency: String, day: Int32, rateE8: Int64)] {
        var dropped: [(String, Int32, Int64)] = []
        for (currency, entries) in pending {
            // Greatest rate first within a day, so the first of each day is kept.
            let sorted = entries.sorted { $0.day != $1.day ? $0.day < $1.day : $0.rate > $1.rate }
            var keptDays: [Int32] = []
            var keptRates: [Int64] = []
            for entry in sorted {
                if keptDays.last == entry.day {
                    dropped.append((currency, entry.day, entry.rate))
                    continue
                }
                keptDays.append(entry.day)
                keptRates.append(entry.rate)
            }
            days[currency] = keptDays
            rates[currency] = keptRates
        }
        pending.removeAll()
        return dropped
    }

    /// The rate (×10^8) for a currency on a local day, nil when none is known.
    func rateE8(currency: String, day: Int32) -> Int64? {
        if currency == baseCurrency { return 100_000_000 }
        guard let days = days[currency] else { return nil }
        var low = 0, high = days.count
        while low < high {
            let middle = (low + high) / 2
            if days[middle] <= day { low = middle + 1 } else { high = middle }
        }
        guard low > 0, let rates = rates[currency] else { return nil }
        return rates[low - 1]
    }

    /// `round(cents * rate, 2)` half away from zero, for rates scaled by 10^8; saturates at
    /// the bounds of Int64 (docs/operations.md, "Limits").
    @inline(__always)
    static func convert(cents: Int64, rateE8: Int64) -> Int64 {
        let product = Int128(cents) * Int128(rateE8)
        let divisor: Int128 = 100_000_000
        let quotient = product / divisor
        let remainder = product % divisor
        if remainder * 2 >= divisor { return Int64(clamping: quotient + 1) }
        if remainder * 2 <= -divisor { return Int64(clamping: quotient - 1) }
        return Int64(clamping: quotient)
    }
}
