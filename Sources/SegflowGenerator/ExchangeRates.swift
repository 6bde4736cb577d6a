/// Daily exchange rates to EUR as integers with 8 decimals, one smooth random walk per
/// currency (log-space steps of about 0.4 % a day, pulled gently back to the start rate).
/// Covers a week before the span to its end, so that every local order day has a rate.
struct ExchangeRates: Sendable {
    /// Day index of the first row (negative: before the span).
    let firstDay: Int
    /// `rates[currency][day - firstDay]`, EUR per unit × 10^8.
    let rates: [[Int64]]

    static let scale: Int64 = 100_000_000

    init(seed: UInt64, timeline: Timeline) {
        var random = RandomSource(seed: seed, stream: 0xF0_7A7E5)
        firstDay = -7
        let days = timeline.dayCount - firstDay
        var rates: [[Int64]] = []
        for currency in Geography.currencies {
            if currency.code == "EUR" {
                rates.append(Array(repeating: Self.scale, count: days))
                continue
            }
            let anchor = log(currency.startRate)
            var level = anchor
            var series: [Int64] = []
            series.reserveCapacity(days)
            for _ in 0..<days {
                series.append(Int64((exp(level) * Double(Self.scale)).rounded()))
                level += 0.004 * random.normal() + 0.01 * (anchor - level)
            }
            rates.append(series)
        }
        self.rates = rates
    }

    @inline(__always)
    func rate(currency: Int, day: Int) -> Int64 {
        let series = rates[currency]
        return series[min(max(day - firstDay, 0), series.count - 1)]
    }

    /// EUR cents in the currency of the day, rounded half up.
    @inline(__always)
    func fromEuro(_ cents: Int64, currency: Int, day: Int) -> Int64 {
        guard currency != 0 else { return cents }
        let rate = rate(currency: currency, day: day)
        return (cents * Self.scale + rate / 2) / rate
    }
}

import Foundation
