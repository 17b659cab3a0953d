import Foundation

/// A generalized Pareto distribution fitted to the exceedances of a tail, by the empirical
/// Bayes method of Zhang & Stephens (2009) with the weakly informative prior on the shape
/// used by PSIS (Vehtari, Simpson, Gelman, Yao & Gabry 2024, "Pareto smoothed importance
/// sampling", JMLR 25(72), appendix C), in the arithmetic of ArviZ 0.23 (`_gpdfit`).
///
/// The distribution of exceedances x ≥ 0 has CDF F(x) = 1 − (1 + kx/σ)^(−1/k) (shape k,
/// scale σ > 0; k = 0 is the exponential). Zhang & Stephens parameterize it by θ = −k/σ and
/// estimate θ by its posterior mean over a grid, which is fast and never fails:
///
/// - grid: m = 30 + ⌊√n⌋ points θⱼ = 1/x₍ₙ₎ + (1 − √(m/(j − ½))) / (3·x₍⌊n/4 + ½⌋₎), j = 1…m
///   (x₍ᵢ₎ the i-th smallest; the first quartile sets the scale, 3 is their prior constant);
/// - profile log-likelihood ℓ(θ) = n(log(−θ/k(θ)) − k(θ) − 1), k(θ) = mean(log(1 − θxᵢ));
/// - weights wⱼ = 1/Σᵢ exp(ℓ(θᵢ) − ℓ(θⱼ)) (the normalized likelihood, formed without
///   overflow), those below 10·ε dropped and the rest renormalized;
/// - θ̂ = Σ wⱼθⱼ, k̂₀ = mean(log(1 − θ̂xᵢ)), σ̂ = −k̂₀/θ̂;
/// - the shape is shrunk toward ½ by a prior worth 10 observations (Vehtari et al. 2024):
///   k̂ = (n·k̂₀ + 10·½)/(n + 10). σ̂ keeps the unshrunk k̂₀, as ArviZ and loo do.
///
/// Sums and means are in NumPy's pairwise order, so k̂ and σ̂ agree with ArviZ to a few ulps.
public struct GeneralizedParetoFit: Sendable, Equatable {
    /// The shape k̂ (after the prior adjustment). k̂ > ½ means infinite variance of the
    /// importance ratios, k̂ > 1 infinite mean.
    public let shape: Double
    /// The scale σ̂ > 0 (from the unadjusted shape).
    public let scale: Double

    /// Fits the exceedances `sorted` (ascending, positive, at least one value; PSIS passes
    /// at least 5). NaN shape and scale when the data contain NaN, when the largest value is
    /// not positive, or when every grid weight is negligible.
    public init(sortedExceedances sorted: UnsafeBufferPointer<Double>) {
        let n = sorted.count
        precondition(n > 0, "GeneralizedParetoFit needs at least one exceedance")
        let priorScale = 3.0
        let priorShapeWeight = 10.0
        let m = 30 + Int(Double(n).squareRoot())
        let quartile = sorted[Int(Double(n) / 4 + 0.5) - 1]
        let largest = sorted[n - 1]

        var theta = [Double](repeating: 0, count: m)
        var shapes = [Double](repeating: 0, count: m)
        var logLik = [Double](repeating: 0, count: m)
        var terms = [Double](repeating: 0, count: n)
        for j in 0..<m {
            var b = 1 - (Double(m) / (Double(j + 1) - 0.5)).squareRoot()
            b /= priorScale * quartile
            b += 1 / largest
            theta[j] = b
            for i in 0..<n { terms[i] = Foundation.log1p(-b * sorted[i]) }
            let k = PairwiseSum.sum(terms) / Double(n)
            shapes[j] = k
            logLik[j] = Double(n) * (Foundation.log(-(b / k)) - k - 1)
        }
        var keptTheta = [Double]()
        var keptWeight = [Double]()
        var row = [Double](repeating: 0, count: m)
        for j in 0..<m {
            for i in 0..<m { row[i] = Foundation.exp(logLik[i] - logLik[j]) }
            let w = 1 / PairwiseSum.sum(row)
            if w >= 10 * Double.ulpOfOne {
                keptTheta.append(theta[j])
                keptWeight.append(w)
            }
        }
        let total = PairwiseSum.sum(keptWeight)
        for j in keptWeight.indices { keptWeight[j] /= total }
        let products = zip(keptTheta, keptWeight).map { $0 * $1 }
        let thetaHat = PairwiseSum.sum(products)
        for i in 0..<n { terms[i] = Foundation.log1p(-thetaHat * sorted[i]) }
        let k0 = PairwiseSum.sum(terms) / Double(n)
        let sigma = -k0 / thetaHat
        let k = (Double(n) * k0 + priorShapeWeight * 0.5) / (Double(n) + priorShapeWeight)
        if k.isNaN || sigma.isNaN || keptWeight.isEmpty {
            shape = .nan
            scale = .nan
        } else {
            shape = k
            scale = sigma
        }
    }

    /// Fits the exceedances of an ascending array (see ``init(sortedExceedances:)-(UnsafeBufferPointer<Double>)``).
    public init(sortedExceedances sorted: [Double]) {
        self = sorted.withUnsafeBufferPointer { GeneralizedParetoFit(sortedExceedances: $0) }
    }

    /// The quantile function F⁻¹(p) = σ((1 − p)^(−k) − 1)/k, evaluated as σ·expm1(−k·log1p(−p))/k
    /// (σ·(−log1p(−p)) when |k| < ε, the exponential), as ArviZ's `_gpinv`. F⁻¹(0) = 0;
    /// F⁻¹(1) = ∞ for k ≥ 0 and the upper end point −σ/k for k < 0; NaN for p outside [0, 1]
    /// or σ ≤ 0.
    public func quantile(_ p: Double) -> Double {
        guard scale > 0, p >= 0, p <= 1 else { return .nan }
        if p == 0 { return 0 }
        if p == 1 { return shape >= 0 ? .infinity : -scale / shape }
        let x: Double
        if abs(shape) < Double.ulpOfOne {
            x = -Foundation.log1p(-p)
        } else {
            x = Foundation.expm1(-shape * Foundation.log1p(-p)) / shape
        }
        return x * scale
    }
}
