/// Per-chunk partial sums of a four-parameter (r, α, a, b) log-likelihood, its gradient and the
/// upper triangle of its Hessian, in natural parameters; chunks are added in order.
struct RowSums {
    var ll = 0.0, dR = 0.0, dAlpha = 0.0, dA = 0.0, dB = 0.0
    var hRR = 0.0, hRAlpha = 0.0, hRA = 0.0, hRB = 0.0
    var hAlphaAlpha = 0.0, hAlphaA = 0.0, hAlphaB = 0.0
    var hAA = 0.0, hAB = 0.0, hBB = 0.0

    mutating func add(_ other: RowSums) {
        ll += other.ll
        dR += other.dR
        dAlpha += other.dAlpha
        dA += other.dA
        dB += other.dB
        hRR += other.hRR
        hRAlpha += other.hRAlpha
        hRA += other.hRA
        hRB += other.hRB
        hAlphaAlpha += other.hAlphaAlpha
        hAlphaA += other.hAlphaA
        hAlphaB += other.hAlphaB
        hAA += other.hAA
        hAB += other.hAB
        hBB += other.hBB
    }

    /// `scale` · the Hessian in log parameters from the natural one (upper triangle filled) and the
    /// natural gradient: θᵢθⱼ Hᵢⱼ + δᵢⱼ θᵢ gᵢ, symmetric.
    static func logParameterHessian(_ natural: [[Double]], gradient: [Double], parameters: [Double], scale: Double) -> [[Double]] {
        let n = parameters.count
        var hessian = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for i in 0..<n {
            for j in i..<n {
                var value = parameters[i] * parameters[j] * natural[i][j]
                if i == j { value += parameters[i] * gradient[i] }
                hessian[i][j] = value * scale
                hessian[j][i] = value * scale
            }
        }
        return hessian
    }
}
