#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Tanh-sinh (double-exponential) quadrature on a finite interval (Takahasi & Mori 1974; Bailey,
/// Jeyabalan & Li 2005), used where Pareto/NBD needs ₂F₁-type integrals (`ParetoNBDIntegral`,
/// `SpecialFunctions.hypergeometric2F1PlusOne`).
///
/// x = L/(1 + e^(−2q)) with q = (π/2) sinh t maps t ∈ ℝ onto (0, L); the nodes crowd double-exponentially
/// towards both ends, so a boundary layer or an integrable endpoint singularity is resolved with a few
/// dozen nodes. The integrand receives each node as its distance from the left end *and* from the
/// right end, both computed without cancellation, so a function that is steep at an end can be
/// evaluated there accurately. Levels halve the step h = 2^−level from 1/2 down to 1/128 and reuse
/// every earlier node (|t| ≤ 3.6: the remaining weights are below 1e-30 relative). The error of
/// tanh-sinh for integrands analytic inside the interval falls roughly quadratically per level, so the
/// last level is far more accurate than its difference from the one before. Sequential and
/// table-driven: the same input gives the same bits.
enum TanhSinh {
    static let finestLevel = 7
    static let largestT = 3.6

    /// Per node of the finest level, t = k/128 for k = −460 … 460: position from the left end and from
    /// the right end as fractions of the interval, and the weight (dx/dt as a fraction of the interval).
    static let nodes: [(left: Double, right: Double, weight: Double)] = {
        let steps = Int((largestT * Double(1 << finestLevel)).rounded(.down))
        return (-steps...steps).map { k in
            let t = Double(k) / Double(1 << finestLevel)
            let q = Double.pi / 2 * sinh(t)
            let e = exp(-2 * abs(q))
            // 1/(1 + e^(−2q)) and 1/(1 + e^(2q)) without cancellation for either sign of q.
            let near = e / (1 + e), far = 1 / (1 + e)
            let weight = Double.pi / 2 * cosh(t) * 4 * e / ((1 + e) * (1 + e)) / 2
            return q >= 0 ? (far, near, weight) : (near, far, weight)
        }
    }()

    /// Up to five integrals over the same nodes (plain stored lanes: cheap in every build mode).
    struct Lanes {
        var l0 = 0.0, l1 = 0.0, l2 = 0.0, l3 = 0.0, l4 = 0.0

        init(_ l0: Double, _ l1: Double = 0, _ l2: Double = 0, _ l3: Double = 0, _ l4: Double = 0) {
            (self.l0, self.l1, self.l2, self.l3, self.l4) = (l0, l1, l2, l3, l4)
        }

        mutating func add(_ weight: Double, _ other: Lanes) {
            l0 += weight * other.l0
            l1 += weight * other.l1
            l2 += weight * other.l2
            l3 += weight * other.l3
            l4 += weight * other.l4
        }

        func scaled(_ factor: Double) -> Lanes { Lanes(l0 * factor, l1 * factor, l2 * factor, l3 * factor, l4 * factor) }

        var isFinite: Bool { l0.isFinite && l1.isFinite && l2.isFinite && l3.isFinite && l4.isFinite }

        /// Every lane within `tolerance` relative of `other`'s.
        func agrees(with other: Lanes, tolerance: Double) -> Bool {
            func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= tolerance * abs(a) }
            return close(l0, other.l0) && close(l1, other.l1) && close(l2, other.l2) && close(l3, other.l3) && close(l4, other.l4)
        }
    }

    /// ∫₀ᴸ f, lane by lane; `f(left, right)` receives the node's distances from 0 and from L. Stops when
    /// two successive levels agree to `tolerance` relative in every lane (the default, √ε ≈ 1.5e-8, is
    /// Boost's `tanh_sinh` default: the error then is about the square of the difference, near ε).
    /// nil when no two levels agreed or a value was not finite.
    static func integrate(length: Double, tolerance: Double = 1.5e-8, _ f: (_ left: Double, _ right: Double) -> Lanes) -> Lanes? {
        let center = nodes.count / 2
        var sum = Lanes(0)
        var previous: Lanes?
        for level in 1...finestLevel {
            let stride = 1 << (finestLevel - level)
            // Level 1 takes every node of its grid; later levels only the ones not taken before (odd k).
            let first = level == 1 ? 0 : stride
            let step = level == 1 ? stride : 2 * stride
            var offset = first
            while center + offset < nodes.count {
                let upper = nodes[center + offset]
                sum.add(upper.weight, f(length * upper.left, length * upper.right))
                if offset > 0 {
                    let lower = nodes[center - offset]
                    sum.add(lower.weight, f(length * lower.left, length * lower.right))
                }
                offset += step
            }
            let estimate = sum.scaled(length / Double(1 << level))
            guard estimate.isFinite else { return nil }
            if let previous, estimate.agrees(with: previous, tolerance: tolerance) { return estimate }
            previous = estimate
        }
        return nil
    }
}
