import Foundation
import Testing
@testable import SegflowModels

/// The likelihoods against closed forms computed independently (the paper's eq. 6 with Γ and B
/// directly, not lifetimes' log form), and the analytic gradients against finite differences.
@Suite struct LikelihoodTests {
    static func beta(_ a: Double, _ b: Double) -> Double { tgamma(a) * tgamma(b) / tgamma(a + b) }

    /// BG/NBD eq. 6: B(a,b+x)/B(a,b) · Γ(r+x)α^r/(Γ(r)(α+T)^(r+x)) + δ B(a+1,b+x−1)/B(a,b) · Γ(r+x)α^r/(Γ(r)(α+tₓ)^(r+x)).
    static func bgnbdLikelihood(_ p: [Double], _ h: CustomerHistory) -> Double {
        let (r, alpha, a, b) = (p[0], p[1], p[2], p[3])
        let x = Double(h.frequency)
        let common = tgamma(r + x) * pow(alpha, r) / tgamma(r)
        var value = beta(a, b + x) / beta(a, b) * common / pow(alpha + h.age, r + x)
        if h.frequency > 0 { value += beta(a + 1, b + x - 1) / beta(a, b) * common / pow(alpha + h.recency, r + x) }
        return value
    }

    /// MBG/NBD: B(a,b+x+1)/B(a,b) · Γ(r+x)α^r/(Γ(r)(α+T)^(r+x)) + B(a+1,b+x)/B(a,b) · Γ(r+x)α^r/(Γ(r)(α+tₓ)^(r+x)).
    static func mbgnbdLikelihood(_ p: [Double], _ h: CustomerHistory) -> Double {
        let (r, alpha, a, b) = (p[0], p[1], p[2], p[3])
        let x = Double(h.frequency)
        let common = tgamma(r + x) * pow(alpha, r) / tgamma(r)
        return beta(a, b + x + 1) / beta(a, b) * common / pow(alpha + h.age, r + x)
            + beta(a + 1, b + x) / beta(a, b) * common / pow(alpha + h.recency, r + x)
    }

    static let histories = [
        CustomerHistory(frequency: 0, recency: 0, age: 30), CustomerHistory(frequency: 0, recency: 0, age: 30),
        CustomerHistory(frequency: 1, recency: 5, age: 30), CustomerHistory(frequency: 3, recency: 28.5, age: 40),
        CustomerHistory(frequency: 7, recency: 12, age: 52),
    ]

    @Test func bgnbdLogLikelihoodMatchesTheClosedForm() {
        let parameters = [0.243, 4.414, 0.793, 2.426]
        let data = FittingHistories(CompressedHistories(Self.histories))
        let expected = Self.histories.map { log(Self.bgnbdLikelihood(parameters, $0)) }.reduce(0, +)
        let mean = BGNBDModel.negativeLogLikelihood(logParameters: parameters.map { log($0) }, data: data).value
        #expect(abs(-mean * 5 - expected) < 1e-12 * abs(expected))
        // A one-time buyer (x = 0): L = (α/(α+T))^r by hand.
        let single = FittingHistories(CompressedHistories([CustomerHistory(frequency: 0, recency: 0, age: 30)]))
        let value = BGNBDModel.negativeLogLikelihood(logParameters: parameters.map { log($0) }, data: single).value
        #expect(abs(-value - 0.243 * log(4.414 / 34.414)) < 1e-15)
    }

    @Test func mbgnbdLogLikelihoodMatchesTheClosedForm() {
        let parameters = [0.52, 6.18, 0.89, 1.61]
        let data = FittingHistories(CompressedHistories(Self.histories))
        let expected = Self.histories.map { log(Self.mbgnbdLikelihood(parameters, $0)) }.reduce(0, +)
        let mean = MBGNBDModel.negativeLogLikelihood(logParameters: parameters.map { log($0) }, data: data).value
        #expect(abs(-mean * 5 - expected) < 1e-12 * abs(expected))
    }

    @Test func gammaGammaLogLikelihoodMatchesTheClosedForm() {
        // Note 025 eq. 1a: f(m | p, q, v, x) = Γ(px+q)/(Γ(px)Γ(q)) · v^q m^(px−1) x^(px) / (v + mx)^(px+q).
        let (p, q, v) = (6.25, 3.74, 15.44)
        let rows: [(Int, Double)] = [(1, 20), (2, 35.5), (2, 35.5), (5, 12.25)]
        let expected = rows.map { x, m -> Double in
            let px = p * Double(x)
            return log(tgamma(px + q) / (tgamma(px) * tgamma(q)) * pow(v, q) * pow(m, px - 1) * pow(Double(x), px) / pow(v + m * Double(x), px + q))
        }.reduce(0, +)
        let data = SpendHistories(frequencies: rows.map(\.0), monetaryValues: rows.map(\.1))
        let mean = GammaGammaModel.negativeLogLikelihood(logParameters: [log(p), log(q), log(v)], data: data).value
        #expect(abs(-mean * 4 - expected) < 1e-12 * abs(expected))
    }

    static func checkGradient(_ logParameters: [Double], _ objective: ([Double]) -> (value: Double, gradient: [Double])) {
        let analytic = objective(logParameters).gradient
        for i in logParameters.indices {
            var up = logParameters, down = logParameters
            let h = 1e-6
            up[i] += h
            down[i] -= h
            let numeric = (objective(up).value - objective(down).value) / (2 * h)
            #expect(abs(analytic[i] - numeric) < 1e-7 * max(1, abs(numeric)), "parameter \(i): \(analytic[i]) vs \(numeric)")
        }
    }

    @Test func gradientsMatchFiniteDifferences() throws {
        let cdnow = try Fixtures.cdnow()
        let data = FittingHistories(CompressedHistories(cdnow.histories))
        for point in [[0.243, 4.414, 0.793, 2.426], [1.5, 0.3, 3.0, 0.2], [0.05, 40, 0.2, 9]] {
            Self.checkGradient(point.map { log($0) }) { BGNBDModel.negativeLogLikelihood(logParameters: $0, data: data) }
            Self.checkGradient(point.map { log($0) }) { MBGNBDModel.negativeLogLikelihood(logParameters: $0, data: data) }
        }
        let spend = SpendHistories(frequencies: cdnow.histories.map(\.frequency), monetaryValues: cdnow.spend)
        for point in [[6.25, 3.74, 15.44], [0.5, 12, 300], [20, 1.2, 0.7]] {
            Self.checkGradient(point.map { log($0) }) { GammaGammaModel.negativeLogLikelihood(logParameters: $0, data: spend) }
        }
    }

    /// Each analytic Hessian column against central differences of the analytic gradient.
    static func checkHessian(_ logParameters: [Double], _ objective: ([Double]) -> (value: Double, gradient: [Double], hessian: [[Double]])) {
        let analytic = objective(logParameters)
        for j in logParameters.indices {
            var up = logParameters, down = logParameters
            let h = 1e-5
            up[j] += h
            down[j] -= h
            let gradientUp = objective(up).gradient, gradientDown = objective(down).gradient
            for i in logParameters.indices {
                let numeric = (gradientUp[i] - gradientDown[i]) / (2 * h)
                #expect(abs(analytic.hessian[i][j] - numeric) < 1e-6 * max(1, abs(numeric)),
                        "∂²/∂\(i)∂\(j): \(analytic.hessian[i][j]) vs \(numeric)")
            }
        }
    }

    @Test func hessiansMatchFiniteDifferencesOfTheGradient() throws {
        let cdnow = try Fixtures.cdnow()
        let data = FittingHistories(CompressedHistories(cdnow.histories))
        for point in [[0.243, 4.414, 0.793, 2.426], [1.5, 0.3, 3.0, 0.2], [0.05, 40, 0.2, 9]] {
            let logPoint = point.map { log($0) }
            Self.checkHessian(logPoint) { BGNBDModel.negativeLogLikelihoodWithHessian(logParameters: $0, data: data)! }
            let first = BGNBDModel.negativeLogLikelihood(logParameters: logPoint, data: data)
            let second = try #require(BGNBDModel.negativeLogLikelihoodWithHessian(logParameters: logPoint, data: data))
            #expect(first.value.bitPattern == second.value.bitPattern && first.gradient == second.gradient)
        }
        let spend = SpendHistories(frequencies: cdnow.histories.map(\.frequency), monetaryValues: cdnow.spend)
        for point in [[6.25, 3.74, 15.44], [0.5, 12, 300], [20, 1.2, 0.7]] {
            Self.checkHessian(point.map { log($0) }) { GammaGammaModel.negativeLogLikelihoodWithHessian(logParameters: $0, data: spend) }
        }
    }
}
