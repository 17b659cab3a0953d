import Foundation

/// Stacking weights of predictive distributions (Yao, Vehtari, Simpson & Gelman 2018, "Using
/// stacking to average Bayesian predictive distributions", Bayesian Analysis 13(3), 917–1007):
/// the weights w on the simplex that maximize the leave-one-out log score of the mixture,
///
///     f(w) = Σᵢ log Σₖ wₖ exp(elpd_loo,ik),   wₖ ≥ 0, Σₖ wₖ = 1,
///
/// with elpd_loo,ik the PSIS-LOO log predictive density of observation i under model k. The
/// problem is concave, so the KKT conditions characterize the optimum: with gₖ = ∂f/∂wₖ =
/// Σᵢ pᵢₖ/(pᵢ·w), every weighted model has gₖ = λ and every unweighted one gₖ ≤ λ, where
/// λ = Σₖ wₖgₖ = N.
///
/// ArviZ 0.23 (`az.compare(method="stacking")`) hands the same objective to SciPy's SLSQP,
/// which stops at ftol = 1e−6, about 1e−4 from the optimum. This solver runs an active-set
/// projected Newton method to the optimum instead (KKT residual below 1e−10·N):
/// - Newton steps on the face of positive weights, with the constraint Σ dₖ = 0 and a tiny
///   ridge (1e−12·trace) against a singular Hessian (identical models);
/// - a ratio test keeps w ≥ 0 — a weight that reaches 0 leaves the face;
/// - Armijo backtracking on f (up to its rounding noise, 4ε(|f| + N)), falling back to the projected gradient when the Newton direction
///   does not ascend or is blocked at once;
/// - a model outside the face with gₖ > λ re-enters (the largest violation first).
/// Each row is shifted by its maximum before exponentiating (pᵢₖ = exp(elpd_ik − maxₖ elpd_ik)),
/// which changes f by a constant and not the optimum, so very negative subject-level elpd
/// values do not underflow.
///
/// NaN behaviour: any non-finite elpd gives NaN weights. One model gets weight 1.
public enum StackingWeights {
    /// The stacking weights for K models from their pointwise elpd, `pointwiseElpd[k][i]` =
    /// elpd_loo,i of model k (every model with the same N ≥ 1 observations).
    public static func weights(pointwiseElpd: [[Double]]) -> [Double] {
        let kCount = pointwiseElpd.count
        precondition(kCount > 0, "stacking needs at least one model")
        let n = pointwiseElpd[0].count
        precondition(n > 0, "stacking needs at least one observation")
        precondition(
            pointwiseElpd.allSatisfy { $0.count == n }, "stacking: models have different numbers of observations")
        guard pointwiseElpd.allSatisfy({ $0.allSatisfy(\.isFinite) }) else {
            return [Double](repeating: .nan, count: kCount)
        }
        if kCount == 1 { return [1] }

        // p[i*K + k] = exp(elpd_ik − max_k elpd_ik) ∈ (0, 1].
        var p = [Double](repeating: 0, count: n * kCount)
        for i in 0..<n {
            var m = -Double.infinity
            for k in 0..<kCount { m = max(m, pointwiseElpd[k][i]) }
            for k in 0..<kCount { p[i * kCount + k] = Foundation.exp(pointwiseElpd[k][i] - m) }
        }
        let problem = Problem(p: p, n: n, k: kCount)
        return problem.maximize()
    }

    /// The stacking objective f(w) = Σᵢ log Σₖ wₖ exp(elpd_ik) (for checking a solution).
    public static func logScore(pointwiseElpd: [[Double]], weights: [Double]) -> Double {
        let n = pointwiseElpd[0].count
        var total = 0.0
        for i in 0..<n {
            var terms = [Double]()
            for k in weights.indices where weights[k] > 0 {
                terms.append(Foundation.log(weights[k]) + pointwiseElpd[k][i])
            }
            total += terms.withUnsafeBufferPointer { PairwiseSum.logSumExp($0) }
        }
        return total
    }

    /// The shifted problem: maximize Σᵢ log(pᵢ·w) over the simplex.
    struct Problem {
        let p: [Double]
        let n: Int
        let k: Int

        func value(_ w: [Double]) -> Double {
            var f = 0.0
            for i in 0..<n {
                var s = 0.0
                for j in 0..<k { s += p[i * k + j] * w[j] }
                f += Foundation.log(s)
            }
            return f
        }

        /// Gradient gⱼ = Σᵢ pᵢⱼ/(pᵢ·w) and Hessian Hⱼₗ = −Σᵢ pᵢⱼpᵢₗ/(pᵢ·w)² (row-major K×K).
        func derivatives(_ w: [Double]) -> (g: [Double], h: [Double]) {
            var g = [Double](repeating: 0, count: k)
            var h = [Double](repeating: 0, count: k * k)
            for i in 0..<n {
                var s = 0.0
                for j in 0..<k { s += p[i * k + j] * w[j] }
                let inv = 1 / s
                for j in 0..<k {
                    let a = p[i * k + j] * inv
                    g[j] += a
                    for l in j..<k { h[j * k + l] -= a * p[i * k + l] * inv }
                }
            }
            for j in 0..<k { for l in 0..<j { h[j * k + l] = h[l * k + j] } }
            return (g, h)
        }

        func maximize() -> [Double] {
            var w = [Double](repeating: 1 / Double(k), count: k)
            var f = value(w)
            let tolerance = 1e-10 * Double(n)
            // f is a sum of N logs: changes below a few ulps of its terms are noise, and near
            // the optimum a Newton step gains less than that.
            let roundoff = 4 * Double.ulpOfOne * (abs(f) + Double(n))
            for _ in 0..<500 {
                let (g, h) = derivatives(w)
                let free = (0..<k).filter { w[$0] > 0 }
                let lambda = (0..<k).reduce(0.0) { $0 + w[$1] * g[$1] }
                let faceResidual = free.map { abs(g[$0] - lambda) }.max() ?? 0
                let outside = (0..<k).filter { w[$0] == 0 }
                let entering = outside.max { g[$0] < g[$1] }
                let enteringViolation = entering.map { g[$0] - lambda } ?? -.infinity
                if faceResidual <= tolerance && enteringViolation <= tolerance { break }

                var face = free
                if faceResidual <= tolerance, let j = entering { face.append(j) }
                var d = newtonDirection(face: face, g: g, h: h)
                var slope = zip(face, d).reduce(0.0) { $0 + (g[$1.0] - lambda) * $1.1 }
                var maxStep = ratioTest(w: w, face: face, d: d)
                if d.contains(where: { !$0.isFinite }) || slope <= 0 || maxStep <= 1e-14 {
                    d = projectedGradient(face: face, g: g)
                    slope = zip(face, d).reduce(0.0) { $0 + (g[$1.0] - lambda) * $1.1 }
                    maxStep = ratioTest(w: w, face: face, d: d)
                    if slope <= 0 { break }
                }
                var t = min(1, maxStep)
                var accepted = false
                for _ in 0..<60 {
                    var trial = w
                    for (m, j) in face.enumerated() { trial[j] = max(0, w[j] + t * d[m]) }
                    if t == maxStep {
                        // The blocking weight leaves the face exactly.
                        for (m, j) in face.enumerated() where d[m] < 0 && w[j] / -d[m] <= maxStep { trial[j] = 0 }
                    }
                    let total = trial.reduce(0, +)
                    for j in 0..<k { trial[j] /= total }
                    let fTrial = value(trial)
                    if fTrial >= f + 1e-4 * t * slope - roundoff {
                        w = trial
                        f = fTrial
                        accepted = true
                        break
                    }
                    t *= 0.5
                }
                if !accepted { break }
            }
            return w
        }

        /// Newton step on `face` with Σ d = 0: solve [−H + ρI, 1; 1ᵀ, 0][d; ν] = [g; 0].
        func newtonDirection(face: [Int], g: [Double], h: [Double]) -> [Double] {
            let m = face.count
            let size = m + 1
            var a = [Double](repeating: 0, count: size * size)
            var b = [Double](repeating: 0, count: size)
            var trace = 0.0
            for r in 0..<m { trace += -h[face[r] * k + face[r]] }
            let ridge = 1e-12 * max(trace, Double.leastNormalMagnitude)
            for r in 0..<m {
                for c in 0..<m { a[r * size + c] = -h[face[r] * k + face[c]] }
                a[r * size + r] += ridge
                a[r * size + m] = 1
                a[m * size + r] = 1
                b[r] = g[face[r]]
            }
            guard let x = solve(a, b, size) else { return [Double](repeating: .nan, count: m) }
            return Array(x[0..<m])
        }

        /// The gradient projected onto Σ d = 0 over `face`.
        func projectedGradient(face: [Int], g: [Double]) -> [Double] {
            let mean = face.reduce(0.0) { $0 + g[$1] } / Double(face.count)
            let scale = 1 / Double(n)
            return face.map { (g[$0] - mean) * scale }
        }

        /// The largest t with w + t·d ≥ 0 on the face (∞ if no component decreases).
        func ratioTest(w: [Double], face: [Int], d: [Double]) -> Double {
            var t = Double.infinity
            for (m, j) in face.enumerated() where d[m] < 0 { t = min(t, w[j] / -d[m]) }
            return t
        }

        /// Gaussian elimination with partial pivoting (the systems are at most (K+1)×(K+1)).
        func solve(_ matrix: [Double], _ rhs: [Double], _ size: Int) -> [Double]? {
            var a = matrix
            var b = rhs
            for col in 0..<size {
                var pivot = col
                for r in (col + 1)..<size where abs(a[r * size + col]) > abs(a[pivot * size + col]) { pivot = r }
                guard a[pivot * size + col] != 0 else { return nil }
                if pivot != col {
                    for c in 0..<size { a.swapAt(col * size + c, pivot * size + c) }
                    b.swapAt(col, pivot)
                }
                for r in (col + 1)..<size {
                    let factor = a[r * size + col] / a[col * size + col]
                    if factor == 0 { continue }
                    for c in col..<size { a[r * size + c] -= factor * a[col * size + c] }
                    b[r] -= factor * b[col]
                }
            }
            var x = [Double](repeating: 0, count: size)
            for r in stride(from: size - 1, through: 0, by: -1) {
                var s = b[r]
                for c in (r + 1)..<size { s -= a[r * size + c] * x[c] }
                x[r] = s / a[r * size + r]
            }
            return x
        }
    }
}
