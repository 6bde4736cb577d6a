#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch

/// What the fitters share: lifetimes' objective (mean negative log-likelihood per customer in log
/// parameters plus `penalizer · Σ θᵢ²`, with θ in the scaled time unit), the start point (every log
/// parameter 0.1, as lifetimes), the minimiser (Newton where the model has an analytic Hessian, else
/// BFGS), and standard errors from that Hessian at the optimum or, without one, from central
/// differences of the analytic gradient.
enum MaximumLikelihood {
    struct Outcome {
        var result: Minimizer.Result
        var parameters: [Double]
        var standardErrors: [Double]?
        var seconds: Double
    }

    typealias SecondOrderObjective = ([Double]) -> (value: Double, gradient: [Double], hessian: [[Double]])

    /// Newton's method when `secondOrder` (the objective with its Hessian) is given, else BFGS on
    /// `objective`.
    static func fit(
        parameterCount: Int, penalizer: Double, customers: Double, minimizer: Minimizer,
        secondOrder: SecondOrderObjective? = nil,
        objective: @escaping ([Double]) -> (value: Double, gradient: [Double])
    ) -> Outcome {
        let started = DispatchTime.now().uptimeNanoseconds
        let penalised: ([Double]) -> (value: Double, gradient: [Double]) = { logParameters in
            var (value, gradient) = objective(logParameters)
            if penalizer != 0 {
                for i in logParameters.indices {
                    let squared = exp(2 * logParameters[i])
                    value += penalizer * squared
                    gradient[i] += 2 * penalizer * squared
                }
            }
            return (value, gradient)
        }
        let start = Array(repeating: 0.1, count: parameterCount)
        let result: Minimizer.Result
        if let secondOrder {
            result = minimizer.minimize(start: start) { logParameters in
                var (value, gradient, hessian) = secondOrder(logParameters)
                if penalizer != 0, gradient.count == logParameters.count, hessian.count == logParameters.count {
                    for i in logParameters.indices {
                        let squared = exp(2 * logParameters[i])
                        value += penalizer * squared
                        gradient[i] += 2 * penalizer * squared
                        hessian[i][i] += 4 * penalizer * squared
                    }
                }
                return (value, gradient, hessian)
            }
        } else {
            result = minimizer.minimize(start: start, objective: penalised)
        }
        let parameters = result.point.map { exp($0) }
        var standardErrors: [Double]?
        if result.status == .converged, let covariance = invert(result.hessian ?? hessian(at: result.point, penalised)) {
            // Var(θᵢ) ≈ θᵢ² · [H⁻¹]ᵢᵢ / N: H is of the mean objective in log parameters.
            let errors = parameters.indices.map { parameters[$0] * sqrt(covariance[$0][$0] / customers) }
            standardErrors = errors.allSatisfy(\.isFinite) ? errors : nil
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        return Outcome(result: result, parameters: parameters, standardErrors: standardErrors, seconds: seconds)
    }

    /// Central differences of the analytic gradient (step 1e-5 in log parameters), symmetrised.
    static func hessian(at point: [Double], _ objective: ([Double]) -> (value: Double, gradient: [Double])) -> [[Double]] {
        let n = point.count
        let step = 1e-5
        var rows: [[Double]] = []
        for i in 0..<n {
            var up = point, down = point
            up[i] += step
            down[i] -= step
            let gradientUp = objective(up).gradient, gradientDown = objective(down).gradient
            rows.append((0..<n).map { (gradientUp[$0] - gradientDown[$0]) / (2 * step) })
        }
        return (0..<n).map { i in (0..<n).map { j in (rows[i][j] + rows[j][i]) / 2 } }
    }

    /// Inverse of a symmetric positive-definite matrix by Cholesky; nil if it is not positive definite.
    static func invert(_ matrix: [[Double]]) -> [[Double]]? {
        let n = matrix.count
        guard let lower = Minimizer.cholesky(matrix) else { return nil }
        // Solve L Lᵀ X = I column by column.
        var inverse = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for column in 0..<n {
            var y = [Double](repeating: 0, count: n)
            for i in 0..<n {
                var sum = i == column ? 1.0 : 0.0
                for k in 0..<i { sum -= lower[i][k] * y[k] }
                y[i] = sum / lower[i][i]
            }
            for i in stride(from: n - 1, through: 0, by: -1) {
                var sum = y[i]
                for k in (i + 1)..<n { sum -= lower[k][i] * inverse[k][column] }
                inverse[i][column] = sum / lower[i][i]
            }
        }
        return inverse
    }
}
