import LinearAlgebra

/// Covariance estimates for the metric from one adaptation window.
public enum CovarianceShrinkage {
    /// Stan's regularization of a window estimate from n draws:
    ///
    ///     Σ ← n/(n + 5) · Σ̂ + 10⁻³ · 5/(n + 5) · I
    ///
    /// a ridge that pulls toward 10⁻³·I with weight 5/(n+5), so a short window cannot give a
    /// singular metric (Stan's `var_adaptation` / `covar_adaptation`). Applied to variances in
    /// the diagonal case.
    public static func stanRegularized(_ sigma: Matrix, count n: Int) -> Matrix {
        var s = sigma
        let nn = Double(n)
        let w = nn / (nn + 5)
        let ridge = 1e-3 * 5 / (nn + 5)
        for i in 0..<s.storage.count { s.storage[i] *= w }
        for i in 0..<s.rows { s[i, i] += ridge }
        return s
    }

    /// The diagonal version of `stanRegularized`.
    public static func stanRegularized(variances: [Double], count n: Int) -> [Double] {
        let nn = Double(n)
        return variances.map { nn / (nn + 5) * $0 + 1e-3 * 5 / (nn + 5) }
    }

    /// The result of `shrinkTowardDiagonal`.
    public struct Estimate: Sendable {
        /// Σ̂* = D R* D with R* = (1 − λ)R + λI: the shrunk covariance (before Stan's ridge).
        public var covariance: Matrix
        /// The shrinkage intensity λ ∈ [0, 1] that was used (1 = diagonal only).
        public var intensity: Double
    }

    /// Shrinks the sample correlations toward zero, keeping the sample variances: the
    /// Schäfer–Strimmer (2005) "target D" estimator, i.e. the Ledoit–Wolf (2004) optimal linear
    /// shrinkage toward the diagonal of the sample covariance, applied on the correlation scale
    /// so that it is invariant to the parameters' scales.
    ///
    /// With xₖ the n draws (rows of `draws`, n×d column-major), sᵢ the sample standard
    /// deviations, yₖᵢ = (xₖᵢ − x̄ᵢ)/sᵢ, rᵢⱼ = Σₖ yₖᵢyₖⱼ/(n−1) and wₖᵢⱼ = yₖᵢyₖⱼ:
    ///
    ///     Var̂(rᵢⱼ) = n/(n−1)³ · Σₖ (wₖᵢⱼ − w̄ᵢⱼ)²
    ///     λ* = Σ_{i≠j} Var̂(rᵢⱼ) / Σ_{i≠j} rᵢⱼ²        clamped to [0, 1]
    ///     Σ̂*ᵢⱼ = (1 − λ*) rᵢⱼ sᵢ sⱼ (i ≠ j),   Σ̂*ᵢᵢ = sᵢ²
    ///
    /// λ* estimates the intensity that minimizes the expected squared Frobenius error of R*.
    /// It is near 1 when the window is short relative to d or the correlations are weak, and
    /// near 0 for long windows with strong correlations; R* is positive definite whenever
    /// λ* > 0. The two cross-product sums are BLAS `dgemm` calls, O(n d²) once per window.
    /// A parameter with zero sample variance gets zero correlations.
    ///
    /// References: J. Schäfer & K. Strimmer (2005), "A shrinkage approach to large-scale
    /// covariance matrix estimation and implications for functional genomics", Stat. Appl.
    /// Genet. Mol. Biol. 4(1):32, Table 1 target D; O. Ledoit & M. Wolf (2004), "A
    /// well-conditioned estimator for large-dimensional covariance matrices", J. Multivar.
    /// Anal. 88:365–411.
    public static func shrinkTowardDiagonal(draws: Matrix) -> Estimate {
        let n = draws.rows, d = draws.columns
        precondition(n >= 2, "shrinkage needs at least 2 draws")
        let nn = Double(n)
        // Standardize the columns.
        var y = draws
        var sd = [Double](repeating: 0, count: d)
        for j in 0..<d {
            var mean = 0.0
            for k in 0..<n { mean += y[k, j] }
            mean /= nn
            var ss = 0.0
            for k in 0..<n {
                let c = y[k, j] - mean
                y[k, j] = c
                ss += c * c
            }
            sd[j] = (ss / (nn - 1)).squareRoot()
            let inv = sd[j] > 0 ? 1 / sd[j] : 0
            for k in 0..<n { y[k, j] *= inv }
        }
        var ySquared = y
        for i in 0..<ySquared.storage.count { ySquared.storage[i] *= ySquared.storage[i] }
        // R (n−1) = YᵀY and W₂ = (Y∘Y)ᵀ(Y∘Y) = Σₖ wₖᵢⱼ².
        var crossProducts = Matrix(rows: d, columns: d)
        var fourthMoments = Matrix(rows: d, columns: d)
        y.storage.withUnsafeBufferPointer { yp in
            crossProducts.storage.withUnsafeMutableBufferPointer { cp in
                BLAS.gemm(
                    transposeA: true, transposeB: false, d, d, n, 1, yp.baseAddress!, lda: n,
                    yp.baseAddress!, ldb: n, 0, cp.baseAddress!, ldc: d)
            }
        }
        ySquared.storage.withUnsafeBufferPointer { yp in
            fourthMoments.storage.withUnsafeMutableBufferPointer { wp in
                BLAS.gemm(
                    transposeA: true, transposeB: false, d, d, n, 1, yp.baseAddress!, lda: n,
                    yp.baseAddress!, ldb: n, 0, wp.baseAddress!, ldc: d)
            }
        }
        var sumVariance = 0.0, sumSquares = 0.0
        let factor = nn / ((nn - 1) * (nn - 1) * (nn - 1))
        for j in 0..<d {
            for i in 0..<d where i != j {
                let r = crossProducts[i, j] / (nn - 1)
                let wBar = crossProducts[i, j] / nn
                // Σₖ (wₖ − w̄)² = Σₖ wₖ² − n w̄².
                let variance = max(0, factor * (fourthMoments[i, j] - nn * wBar * wBar))
                sumVariance += variance
                sumSquares += r * r
            }
        }
        let lambda = sumSquares > 0 ? min(1, max(0, sumVariance / sumSquares)) : 1
        var sigma = Matrix(rows: d, columns: d)
        for j in 0..<d {
            for i in 0..<d {
                if i == j {
                    sigma[i, i] = sd[i] * sd[i]
                } else {
                    sigma[i, j] = (1 - lambda) * crossProducts[i, j] / (nn - 1) * sd[i] * sd[j]
                }
            }
        }
        return Estimate(covariance: sigma, intensity: lambda)
    }
}
