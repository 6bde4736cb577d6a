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
        /// The objective's Hessian at `point` when the minimiser used one (Newton), else nil.
        public var hessian: [[Double]]? = nil
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

    /// Newton's method for an objective that also returns its Hessian: the direction solves
    /// (H + μI) d = −g with the smallest μ ∈ {0, 1e-8·s, 1e-7·s, …} (s the largest |Hᵢᵢ|) that makes
    /// the matrix positive definite (Cholesky), capped so no log parameter moves by more than
    /// `maximumStep`; backtracking from the full step until the objective decreases sufficiently
    /// (Armijo, c₁ = 1e-4), or, once it is flat to rounding (|Δf| ≤ 1e-13·|f|), until the largest
    /// gradient component decreases. Same convergence test and outcomes as `minimize`.
    public func minimize(
        start: [Double], secondOrderObjective objective: ([Double]) -> (value: Double, gradient: [Double], hessian: [[Double]])
    ) -> Result {
        var evaluations = 0
        func evaluate(_ point: [Double]) -> (value: Double, gradient: [Double], hessian: [[Double]]) {
            evaluations += 1
            return objective(point)
        }
        var x = start
        var (f, g, h) = evaluate(x)
        func finite(_ value: Double, _ gradient: [Double], _ hessian: [[Double]]) -> Bool {
            value.isFinite && gradient.allSatisfy(\.isFinite) && hessian.allSatisfy { $0.allSatisfy(\.isFinite) }
        }
        guard finite(f, g, h) else {
            return Result(point: x, value: f, gradient: g, iterations: 0, evaluations: evaluations,
                          status: .failed, reason: "objective not finite at the starting point")
        }
        for iteration in 0..<maximumIterations {
            let gradientNorm = maxAbs(g)
            if gradientNorm <= gradientTolerance {
                return Result(point: x, value: f, gradient: g, iterations: iteration, evaluations: evaluations,
                              status: .converged, reason: nil, hessian: h)
            }
            var direction = Self.newtonDirection(h, g) ?? g.map { -$0 }
            if !(dot(direction, g) < 0) { direction = g.map { -$0 } }
            let largest = maxAbs(direction)
            if largest > maximumStep { direction = direction.map { $0 * maximumStep / largest } }
            let slope = dot(direction, g)
            var step = 1.0
            var accepted: (point: [Double], value: Double, gradient: [Double], hessian: [[Double]])?
            for _ in 0..<60 {
                let point = zip(x, direction).map { $0 + step * $1 }
                let trial = evaluate(point)
                if finite(trial.value, trial.gradient, trial.hessian) {
                    let sufficient = trial.value <= f + 1e-4 * step * slope
                    let flat = abs(trial.value - f) <= 1e-13 * abs(f) && maxAbs(trial.gradient) < gradientNorm
                    if sufficient || flat {
                        accepted = (point, trial.value, trial.gradient, trial.hessian)
                        break
                    }
                }
                step /= 2
            }
            guard let accepted else {
                if gradientNorm <= stalledGradientTolerance {
                    return Result(point: x, value: f, gradient: g, iterations: iteration, evaluations: evaluations,
                                  status: .converged, reason: nil, hessian: h)
                }
                return Result(point: x, value: f, gradient: g, iterations: iteration, evaluations: evaluations,
                              status: .notConverged,
                              reason: "line search found no decrease with gradient \(gradientNorm) above \(stalledGradientTolerance)")
            }
            (x, f, g, h) = accepted
        }
        if maxAbs(g) <= gradientTolerance {
            return Result(point: x, value: f, gradient: g, iterations: maximumIterations, evaluations: evaluations,
                          status: .converged, reason: nil, hessian: h)
        }
        return Result(point: x, value: f, gradient: g, iterations: maximumIterations, evaluations: evaluations,
                      status: .notConverged,
                      reason: "\(maximumIterations) iterations without the gradient reaching \(gradientTolerance) (it is \(maxAbs(g)))")
    }

    /// −(H + μI)⁻¹ g for the smallest tried μ that makes H + μI positive definite; nil if none does.
    static func newtonDirection(_ hessian: [[Double]], _ gradient: [Double]) -> [Double]? {
        let n = gradient.count
        let scale = max(hessian.indices.map { abs(hessian[$0][$0]) }.max() ?? 0, 1e-300)
        var shift = 0.0
        for _ in 0..<40 {
            var shifted = hessian
            for i in 0..<n { shifted[i][i] += shift }
            if let lower = cholesky(shifted) {
                // Solve L Lᵀ d = −g.
                var y = [Double](repeating: 0, count: n)
                for i in 0..<n {
                    var sum = -gradient[i]
                    for k in 0..<i { sum -= lower[i][k] * y[k] }
                    y[i] = sum / lower[i][i]
                }
                var d = [Double](repeating: 0, count: n)
                for i in stride(from: n - 1, through: 0, by: -1) {
                    var sum = y[i]
                    for k in (i + 1)..<n { sum -= lower[k][i] * d[k] }
                    d[i] = sum / lower[i][i]
                }
                return d.allSatisfy(\.isFinite) ? d : nil
            }
            shift = shift == 0 ? 1e-8 * scale : shift * 10
        }
        return nil
    }

    /// The lower Cholesky factor of a symmetric matrix, nil unless it is positive definite.
    static func cholesky(_ matrix: [[Double]]) -> [[Double]]? {
        let n = matrix.count
        var lower = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for i in 0..<n {
            for j in 0...i {
                var sum = matrix[i][j]
                for k in 0..<j { sum -= lower[i][k] * lower[j][k] }
                if i == j {
                    guard sum > 0, sum.isFinite else { return nil }
                    lower[i][i] = sqrt(sum)
                } else {
                    lower[i][j] = sum / lower[j][j]
                }
            }
        }
        return lower
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
