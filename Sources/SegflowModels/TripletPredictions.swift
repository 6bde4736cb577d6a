#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A purchase model's predictions once per distinct triplet, NaN where there is none (a series that
/// did not converge); `CustomerPredictions` spreads them to the customers.
///
/// For the BG/NBD family (`PurchaseModel.expectationFactorsThroughAlive`) the expected purchases are
/// P(alive | x, tₓ, T) times an expectation given alive that depends on (x, T) only: the
/// hypergeometric series run once per distinct (x, T) pair and horizon, and each triplet multiplies.
/// Lifetime value's discounted sum Σᵢ (E[N(i·P)] − E[N((i−1)·P)]) / (1 + d)ⁱ is P(alive) times the
/// same sum over the expectations given alive. Pairs and triplets are computed in fixed chunks on
/// several cores; every value depends only on its own inputs, so the bits do not depend on the
/// worker count.
struct TripletPredictions {
    var probabilityAlive: [Double]
    /// expectedPurchases[h][triplet].
    var expectedPurchases: [[Double]]
    var medianWait: [Double]
    /// Σᵢ (E[N(i·P)] − E[N((i−1)·P)]) / (1 + d)ⁱ per triplet; empty without value settings.
    var discountedPurchases: [Double]

    init<Model: PurchaseModel>(model: Model, histories: CompressedHistories, horizons: [Double], value: ValueSettings?) {
        let triplets = histories.triplets
        probabilityAlive = Chunks.fill(triplets.count) { rows, out in
            for i in rows { out[i] = model.probabilityAlive(triplets[i]) }
        }
        medianWait = Chunks.fill(triplets.count) { rows, out in
            for i in rows { out[i] = model.medianTimeToNextPurchase(triplets[i]) ?? .nan }
        }
        // Cumulative horizons of the value's periods, and their discount factors.
        let periods = value.map { value in (1...max(value.periods, 1)).map { Double($0) * value.periodLength } } ?? []
        let discounts = value.map { value in (1...max(value.periods, 1)).map { pow(1 + value.periodDiscountRate, Double($0)) } } ?? []
        let usedPeriods = value.map { $0.periods >= 1 } ?? false
        let times = horizons + (usedPeriods ? periods : [])
        let alive = probabilityAlive
        if Model.expectationFactorsThroughAlive {
            let pairs = FrequencyAgePairs(triplets)
            let pairCount = pairs.frequency.count
            let columns = times.count
            // Row-major: pair p's values at every time, then its discounted sum.
            let width = columns + 1
            let table: [Double] = Chunks.fill(pairCount * width, size: 256 * width) { cells, out in
                var pair = cells.lowerBound / width
                while pair * width < cells.upperBound {
                    let frequency = pairs.frequency[pair], age = pairs.age[pair]
                    for (column, time) in times.enumerated() {
                        out[pair * width + column] = model.expectedPurchasesGivenAlive(within: time, frequency: frequency, age: age) ?? .nan
                    }
                    if usedPeriods {
                        var total = 0.0, previous = 0.0
                        for period in periods.indices {
                            let cumulative = out[pair * width + horizons.count + period]
                            total += (cumulative - previous) / discounts[period]
                            previous = cumulative
                        }
                        out[pair * width + columns] = total
                    } else {
                        out[pair * width + columns] = .nan
                    }
                    pair += 1
                }
            }
            let pairOfTriplet = pairs.pairOfTriplet
            expectedPurchases = horizons.indices.map { column in
                Chunks.fill(triplets.count) { rows, out in
                    for i in rows { out[i] = table[Int(pairOfTriplet[i]) * width + column] * alive[i] }
                }
            }
            discountedPurchases = usedPeriods
                ? Chunks.fill(triplets.count) { rows, out in
                    for i in rows { out[i] = table[Int(pairOfTriplet[i]) * width + columns] * alive[i] }
                }
                : []
        } else {
            let columns = times.count
            let width = columns + 1
            let table: [Double] = Chunks.fill(triplets.count * width, size: 256 * width) { cells, out in
                var row = cells.lowerBound / width
                while row * width < cells.upperBound {
                    for (column, time) in times.enumerated() {
                        out[row * width + column] = model.conditionalExpectedPurchases(within: time, triplets[row]) ?? .nan
                    }
                    if usedPeriods {
                        var total = 0.0, previous = 0.0
                        for period in periods.indices {
                            let cumulative = out[row * width + horizons.count + period]
                            total += (cumulative - previous) / discounts[period]
                            previous = cumulative
                        }
                        out[row * width + columns] = total
                    } else {
                        out[row * width + columns] = .nan
                    }
                    row += 1
                }
            }
            expectedPurchases = horizons.indices.map { column in (0..<triplets.count).map { table[$0 * width + column] } }
            discountedPurchases = usedPeriods ? (0..<triplets.count).map { table[$0 * width + columns] } : []
        }
        if value != nil, !usedPeriods {
            discountedPurchases = Array(repeating: 0, count: triplets.count)
        }
    }
}
