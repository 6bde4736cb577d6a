import PostgresClient

/// The data span as day indices `0..<dayCount` (day 0 is the first day, `dayCount - 1`
/// the end day), with the store's traffic curve: growth over the span, weekend and
/// December peaks, a summer dip.
struct Timeline: Sendable {
    let startDay: PostgresDate
    let endDay: PostgresDate
    let dayCount: Int
    /// First instant of the span (start day 00:00 UTC), microseconds since 2000.
    let startMicros: Int64
    /// First instant after the span (the day after the end day, 00:00 UTC).
    let endExclusiveMicros: Int64
    /// Traffic weight of each day, and their running sums (`prefix[d]` = Σ weight[0..<d]).
    let weights: [Double]
    let prefix: [Double]
    /// Days inside sale periods (Black Friday week, December, January and summer sales), ascending.
    let saleDays: [Int32]
    /// Local hour-of-day traffic (evening peak).
    let hours: WeightedTable

    static let microsPerSecond: Int64 = 1_000_000
    static let microsPerDay: Int64 = 86_400_000_000

    init(endDay: PostgresDate, years: Int) {
        self.endDay = endDay
        dayCount = years * 365
        startDay = endDay.adding(days: -(dayCount - 1))
        startMicros = Int64(startDay.daysSince2000) * Self.microsPerDay
        endExclusiveMicros = Int64(endDay.daysSince2000 + 1) * Self.microsPerDay

        let weekday: [Double] = [0.92, 0.90, 0.94, 0.98, 1.05, 1.22, 1.30]  // Monday … Sunday
        let month: [Double] = [0.88, 0.85, 0.95, 0.97, 1.0, 0.94, 0.88, 0.88, 1.0, 1.05, 1.22, 1.55]
        var weights: [Double] = []
        var prefix: [Double] = [0]
        var saleDays: [Int32] = []
        weights.reserveCapacity(dayCount)
        prefix.reserveCapacity(dayCount + 1)
        for d in 0..<dayCount {
            let date = startDay.adding(days: d)
            let (_, m, day) = date.components
            var weight = weekday[date.weekday] * month[m - 1]
            // Black Friday / Cyber Monday week and the pre-Christmas rush.
            if m == 11 && day >= 22 { weight *= 1.45 }
            if m == 12 && day >= 24 { weight *= 0.7 }
            // The store grows: the last day sees about twice the traffic of the first.
            weight *= 0.65 + 0.7 * Double(d) / Double(max(1, dayCount - 1))
            weights.append(weight)
            prefix.append(prefix[prefix.count - 1] + weight)
            let isSale = (m == 11 && day >= 20) || (m == 12 && day <= 23) || (m == 1 && day >= 2 && day <= 15)
                || (m == 6 && day >= 20) || (m == 7 && day <= 10)
            if isSale { saleDays.append(Int32(d)) }
        }
        self.weights = weights
        self.prefix = prefix
        self.saleDays = saleDays
        hours = WeightedTable([
            0.8, 0.45, 0.25, 0.15, 0.12, 0.15, 0.35, 0.8, 1.3, 1.6, 1.7, 1.8,
            2.0, 1.9, 1.7, 1.7, 1.8, 2.0, 2.4, 2.9, 3.2, 3.0, 2.3, 1.4,
        ])
    }

    var lastDay: Int { dayCount - 1 }

    @inline(__always)
    func clampDay(_ day: Int) -> Int {
        min(max(day, 0), dayCount - 1)
    }

    /// A day in `low...high` (clamped to the span), drawn by traffic weight.
    func sampleDay(_ low: Int, _ high: Int, _ random: inout RandomSource) -> Int {
        let low = clampDay(low)
        let high = clampDay(high)
        guard high > low else { return low }
        let target = prefix[low] + random.uniform() * (prefix[high + 1] - prefix[low])
        var a = low
        var b = high
        while a < b {
            let middle = (a + b) >> 1
            if prefix[middle + 1] > target { b = middle } else { a = middle + 1 }
        }
        return a
    }

    /// A sale day in `low...high` if there is one, else a traffic-weighted day.
    func sampleSaleDay(_ low: Int, _ high: Int, _ random: inout RandomSource) -> Int {
        let first = lowerBound(saleDays, Int32(low))
        let last = lowerBound(saleDays, Int32(high) + 1)
        guard last > first else { return sampleDay(low, high, &random) }
        return Int(saleDays[first + random.int(below: last - first)])
    }

    /// An instant on day `day` at a local time drawn from the hourly curve, for a customer
    /// `utcOffsetHours` east of UTC; always inside the span.
    func instant(day: Int, utcOffsetHours: Int, _ random: inout RandomSource) -> Int64 {
        let hour = hours.sample(&random)
        let seconds = Int64(hour * 3600 + random.int(below: 3600) - utcOffsetHours * 3600)
        return clampInstant(Int64(startDay.daysSince2000 + Int32(day)) * Self.microsPerDay + seconds * Self.microsPerSecond
            + Int64(random.int(below: 1_000_000)))
    }

    /// Keeps an instant inside the span (at most one hour before its end).
    @inline(__always)
    func clampInstant(_ micros: Int64) -> Int64 {
        min(max(micros, startMicros + 3_600 * Self.microsPerSecond), endExclusiveMicros - 3_600 * Self.microsPerSecond)
    }

    /// The day index of an instant (UTC).
    @inline(__always)
    func dayIndex(_ micros: Int64) -> Int {
        Int((micros - startMicros) / Self.microsPerDay)
    }

    func date(_ day: Int) -> PostgresDate {
        startDay.adding(days: day)
    }
}

/// Index of the first element not less than `value` in an ascending array.
@inline(__always)
func lowerBound<T: Comparable>(_ array: [T], _ value: T) -> Int {
    var low = 0
    var high = array.count
    while low < high {
        let middle = (low + high) >> 1
        if array[middle] < value { low = middle + 1 } else { high = middle }
    }
    return low
}
