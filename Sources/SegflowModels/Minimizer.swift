#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// BFGS with a strong-Wolfe line search (Nocedal & Wright, Numerical Optimization, algorithms 3.5, 3.6
/// and 6.1) for the models' few unconstrained (log) parameters.
///
/// Convergence test: the largest absolute component of the objective's gradient is at most
/// `gradientTolerance`. The objectives are mean negative log-likelihoods per customer in log
/// parameters, so the test is independent of the number of customers and of the parameters' units.
/// When no step along the search direction decreases the objective any more (the objective is flat to
/// rounding) the fit counts as converged only if the gradient is within `stalledGradientTolerance`;
/// otherwise, and when `maximumIterations` pass, it is `notConverged` with the reason. A non-finite
/// objective at the start is `failed`. Everything is sequential: same input, same bits.
public struct Minimizer: Sendable {
    public var gradientTolerance = 1e-9
    public var stalledGradientTolerance = 1e-6
    public var maximumIterations = 1000
    /// Largest change of any (log) parameter in one line-search step; keeps exp() finite.
    public var maximumStep = 10.0

    public init() {}

    public struct Result: Sendable {
        public var point: [Double]
        public var value: Double
        public var gradient: [Double]
        public var iterations: Int
        public var evaluations: Int
        public var status: FitStatus
        public var reason: String?
    }

    /// Minimises `objective`, which returns the value and the gradient at a point.
    public func minimize(start: [Double], objective: ([Double]) -> (value: Double, gradient: [Double])) -> Result {
        let n = start.count
        var evaluations = 0
        func evaluate(_ point: [Double]) -> (value: Double, gradient: [Double]) {
            evaluations += 1
            return objective(point)
        }
        var x = start
        var (f, g) = evaluate(x)
        guard f.isFinite, g.allSatisfy(\.isFinite) else {
            return Result(point: x, value: f, gradient: g, iterations: 0, evaluations: evaluations,
                          status: .failed, reason: "objective not finite at the starting point")
        }
        var inverseHessian = identity(n)
        var firstStep = true
        for iteration in 0..<maximumIterations {
            let gradientNorm = maxAbs(g)
            if gradientNorm <= gradientTolerance {
                return Result(point: x, value: f, gradient: g, iterations: iteration, evaluations: evaluations,
                              status: .converged, reason: nil)
            }
            var direction = multiply(inverseHessian, g).map { -$0 }
            if dot(direction, g) >= 0 {
                // Not a descent direction (rounding in the update): restart from steepest descent.
                inverseHessian = identity(n)
                direction = g.map { -$0 }
                firstStep = true
            }
            let stepLimit = maximumStep / max(maxAbs(direction), .leastNormalMagnitude)
            let initialStep = firstStep ? min(1, 1 / max(gradientNorm, 1e-300), stepLimit) : min(1, stepLimit)
            guard let accepted = lineSearch(x: x, value: f, gradient: g, direction: direction,
                                            initialStep: initialStep, stepLimit: stepLimit, evaluate: evaluate) else {
                if gradientNorm <= stalledGradientTolerance {
                    return Result(point: x, value: f, gradient: g, iterations: iteration, evaluations: evaluations,
                                  status: .converged, reason: nil)
                }
                return Result(point: x, value: f, gradient: g, iterations: iteration, evaluations: evaluations,
                              status: .notConverged,
                              reason: "line search found no decrease with gradient \(gradientNorm) above \(stalledGradientTolerance)")
            }
            let s = zip(accepted.point, x).map { $0 - $1 }
            let y = zip(accepted.gradient, g).map { $0 - $1 }
            let sy = dot(s, y)
            if sy > 1e-300 {
                if firstStep {
                    // Scale the initial inverse Hessian to the observed curvature (N&W eq. 6.20).
                    inverseHessian = identity(n, scale: sy / dot(y, y))
                    firstStep = false
                }
                inverseHessian = bfgsUpdate(inverseHessian, s: s, y: y, sy: sy)
            }
            x = accepted.point
            f = accepted.value
            g = accepted.gradient
        }
        if maxAbs(g) <= gradientTolerance {
            return Result(point: x, value: f, gradient: g, iterations: maximumIterations, evaluations: evaluations,
                          status: .converged, reason: nil)
        }
        return Result(point: x, value: f, gradient: g, iterations: maximumIterations, evaluations: evaluations,
                      status: .notConverged,
                      reason: "\(maximumIterations) iterations without the gradient reaching \(gradientTolerance) (it is \(maxAbs(g)))")
    }

    private struct Trial {
        var step: Double
        var point: [Double]
        var value: Double
        var gradient: [Double]
        var slope: Double
    }

    /// A step satisfying the strong Wolfe conditions (c₁ = 1e-4, c₂ = 0.9), or nil if none was found.
    private func lineSearch(
        x: [Double], value f0: Double, gradient g0: [Double], direction d: [Double],
        initialStep: Double, stepLimit: Double,
        evaluate: ([Double]) -> (value: Double, gradient: [Double])
    ) -> Trial? {
        let c1 = 1e-4, c2 = 0.9
        let slope0 = dot(g0, d)
        func trial(_ step: Double) -> Trial {
            let point = zip(x, d).map { $0 + step * $1 }
            let (value, gradient) = evaluate(point)
            let finite = value.isFinite && gradient.allSatisfy(\.isFinite)
            return Trial(step: step, point: point, value: finite ? value : .infinity, gradient: gradient,
                         slope: finite ? dot(gradient, d) : .nan)
        }
        func zoom(_ lowStart: Trial, _ highStart: Trial) -> Trial? {
            var low = lowStart, high = highStart
            for _ in 0..<60 {
                let width = high.step - low.step
                // Quadratic interpolation from low's value and slope and high's value, kept inside the
                // middle 80 % of the bracket; bisection when the interpolation is not usable.
                var step = low.step + width / 2
                if high.value.isFinite {
                    let denominator = 2 * (high.value - low.value - low.slope * width)
                    if denominator > 0 {
                        let candidate = low.step - low.slope * width * width / denominator
                        let lower = min(low.step, high.step) + 0.1 * abs(width)
                        let upper = max(low.step, high.step) - 0.1 * abs(width)
                        step = min(max(candidate, lower), upper)
                    }
                }
                if step == low.step || step == high.step { return nil }
                let candidate = trial(step)
                if !(candidate.value <= f0 + c1 * step * slope0) || candidate.value >= low.value {
                    high = candidate
                } else {
                    if abs(candidate.slope) <= -c2 * slope0 { return candidate }
                    if candidate.slope * (high.step - low.step) >= 0 { high = low }
                    low = candidate
                }
            }
            return low.step > 0 && low.value < f0 ? low : nil
        }
        let origin = Trial(step: 0, point: x, value: f0, gradient: g0, slope: slope0)
        var previous = origin
        var step = initialStep
        for index in 0..<60 {
            let current = trial(step)
            if !(current.value <= f0 + c1 * step * slope0) || (index > 0 && current.value >= previous.value) {
                return zoom(previous, current)
            }
            if abs(current.slope) <= -c2 * slope0 { return current }
            if current.slope >= 0 { return zoom(current, previous) }
            if step >= stepLimit { return current }
            previous = current
            step = min(2 * step, stepLimit)
        }
        return nil
    }

    private func bfgsUpdate(_ h: [[Double]], s: [Double], y: [Double], sy: Double) -> [[Double]] {
        let n = s.count
        let rho = 1 / sy
        let hy = multiply(h, y)
        let yhy = dot(y, hy)
        var updated = h
        for i in 0..<n {
            for j in 0..<n {
                updated[i][j] += (1 + rho * yhy) * rho * s[i] * s[j] - rho * (hy[i] * s[j] + s[i] * hy[j])
            }
        }
        return updated
    }
}

func dot(_ a: [Double], _ b: [Double]) -> Double {
    var sum = 0.0
    for i in a.indices { sum += a[i] * b[i] }
    return sum
}

func maxAbs(_ a: [Double]) -> Double {
    a.reduce(0) { max($0, abs($1)) }
}

func multiply(_ matrix: [[Double]], _ vector: [Double]) -> [Double] {
    matrix.map { dot($0, vector) }
}

func identity(_ n: Int, scale: Double = 1) -> [[Double]] {
    (0..<n).map { i in (0..<n).map { $0 == i ? scale : 0 } }
}
