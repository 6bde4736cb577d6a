import Foundation
@testable import SegflowModels

/// A customer simulated from Pareto/NBD with what happens after T.
struct SimulatedParetoCustomer {
    var history: CustomerHistory
    var aliveAtAge: Bool
    /// Purchases in (T, T + horizon] for each requested horizon.
    var futurePurchases: [Int]
    /// Time from T to the next purchase when alive at T and it comes before the dropout; nil otherwise
    /// (also when alive at T but dropping out first: "never").
    var timeToNextPurchase: Double?
}

extension Simulation {
    /// Pareto/NBD: λ ~ Gamma(r, α), μ ~ Gamma(s, β), lifetime ~ Exponential(μ), purchases Poisson(λ)
    /// while alive; the first purchase at time 0 is not counted (x = repeat purchases).
    static func paretoNBD(
        r: Double, alpha: Double, s: Double, beta: Double, customers: Int, ages: [Double], horizons: [Double] = [],
        seed: UInt64
    ) -> [SimulatedParetoCustomer] {
        var random = SeededGenerator(seed: seed)
        return (0..<customers).map { index in
            let age = ages[index % ages.count]
            let rate = random.gamma(shape: r, rate: alpha)
            let lifetime = random.exponential(rate: random.gamma(shape: s, rate: beta))
            var time = 0.0, frequency = 0, recency = 0.0
            let end = min(lifetime, age)
            while true {
                time += random.exponential(rate: rate)
                if time > end { break }
                frequency += 1
                recency = time
            }
            var future = [Int](repeating: 0, count: horizons.count)
            var next: Double?
            if lifetime > age {
                var clock = 0.0
                let longest = horizons.max() ?? 0
                while true {
                    clock += random.exponential(rate: rate)
                    if age + clock > lifetime { break }
                    if next == nil { next = clock }
                    if clock > longest { break }
                    for (h, horizon) in horizons.enumerated() where clock <= horizon { future[h] += 1 }
                }
            }
            return SimulatedParetoCustomer(history: CustomerHistory(frequency: frequency, recency: recency, age: age),
                                           aliveAtAge: lifetime > age, futurePurchases: future, timeToNextPurchase: next)
        }
    }
}
