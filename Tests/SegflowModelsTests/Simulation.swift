import Foundation
@testable import SegflowModels

/// SplitMix64: a small, seeded, platform-independent generator, so simulated data are the same everywhere.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform on (0, 1).
    mutating func uniform() -> Double {
        (Double(next() >> 11) + 0.5) / 9_007_199_254_740_992
    }

    mutating func normal() -> Double {
        sqrt(-2 * log(uniform())) * cos(2 * Double.pi * uniform())
    }

    /// Gamma(shape, rate) by Marsaglia & Tsang; shape < 1 through the U^(1/shape) boost.
    mutating func gamma(shape: Double, rate: Double) -> Double {
        if shape < 1 { return gamma(shape: shape + 1, rate: rate) * pow(uniform(), 1 / shape) }
        let d = shape - 1.0 / 3, c = 1 / sqrt(9 * d)
        while true {
            let z = normal()
            let v = pow(1 + c * z, 3)
            if v <= 0 { continue }
            if log(uniform()) < 0.5 * z * z + d - d * v + d * log(v) { return d * v / rate }
        }
    }

    mutating func beta(_ a: Double, _ b: Double) -> Double {
        let x = gamma(shape: a, rate: 1)
        return x / (x + gamma(shape: b, rate: 1))
    }

    mutating func exponential(rate: Double) -> Double {
        -log(uniform()) / rate
    }
}

/// Customers simulated from BG/NBD or MBG/NBD with known parameters, with what happens after T.
struct SimulatedCustomer {
    var history: CustomerHistory
    var rate: Double
    var dropout: Double
    var aliveAtAge: Bool
    /// Purchases in (T, T + horizon] for each requested horizon.
    var futurePurchases: [Int]
    /// Time from T to the next purchase if alive (simulated even beyond the horizons), else nil.
    var timeToNextPurchase: Double?
}

enum Simulation {
    /// `dropsAtFirstPurchase` false: BG/NBD (dropout only after repeat purchases); true: MBG/NBD.
    static func purchases(
        r: Double, alpha: Double, a: Double, b: Double, customers: Int, ages: [Double], horizons: [Double] = [],
        dropsAtFirstPurchase: Bool = false, seed: UInt64
    ) -> [SimulatedCustomer] {
        var random = SeededGenerator(seed: seed)
        return (0..<customers).map { index in
            let age = ages[index % ages.count]
            let rate = random.gamma(shape: r, rate: alpha)
            let dropout = random.beta(a, b)
            var alive = !(dropsAtFirstPurchase && random.uniform() < dropout)
            var time = 0.0, frequency = 0, recency = 0.0
            while alive {
                time += random.exponential(rate: rate)
                if time > age { break }
                frequency += 1
                recency = time
                if random.uniform() < dropout { alive = false }
            }
            let aliveAtAge = alive
            // After T: the process continues from T (memoryless), one more simulation per horizon set.
            var future = [Int](repeating: 0, count: horizons.count)
            var next: Double?
            if aliveAtAge {
                var clock = 0.0
                var stillAlive = true
                let longest = horizons.max() ?? 0
                while stillAlive {
                    clock += random.exponential(rate: rate)
                    if next == nil { next = clock }
                    if clock > longest { break }
                    for (h, horizon) in horizons.enumerated() where clock <= horizon { future[h] += 1 }
                    if random.uniform() < dropout { stillAlive = false }
                }
            }
            return SimulatedCustomer(
                history: CustomerHistory(frequency: frequency, recency: recency, age: age), rate: rate, dropout: dropout,
                aliveAtAge: aliveAtAge, futurePurchases: future, timeToNextPurchase: next
            )
        }
    }

    /// Mean repeat-transaction values from Gamma-Gamma: ν ~ Gamma(q, v), each value ~ Gamma(p, ν), so
    /// the mean of x values is Gamma(p·x, x·ν).
    static func spend(p: Double, q: Double, v: Double, frequencies: [Int], seed: UInt64) -> [Double] {
        var random = SeededGenerator(seed: seed)
        return frequencies.map { x in
            let scale = random.gamma(shape: q, rate: v)
            return x > 0 ? random.gamma(shape: p * Double(x), rate: Double(x) * scale) : 0
        }
    }
}

enum Fixtures {
    /// The CDNOW summary (weeks) with mean repeat spend `zbar`.
    static func cdnow() throws -> (histories: [CustomerHistory], spend: [Double]) {
        guard let url = Bundle.module.url(
            forResource: "cdnow_customers_summary_with_transactions", withExtension: "csv", subdirectory: "Fixtures"
        ) else { throw FixtureMissing() }
        let lines = try String(contentsOf: url, encoding: .utf8).split(whereSeparator: \.isNewline).dropFirst()
        var histories: [CustomerHistory] = []
        var spend: [Double] = []
        for line in lines {
            let fields = line.split(separator: ",").map(String.init)
            guard fields.count == 5, let x = Int(fields[1]), let tx = Double(fields[2]), let age = Double(fields[3]),
                  let zbar = Double(fields[4]) else { throw FixtureMissing() }
            histories.append(CustomerHistory(frequency: x, recency: tx, age: age))
            spend.append(zbar)
        }
        return (histories, spend)
    }

    struct FixtureMissing: Error {}
}
