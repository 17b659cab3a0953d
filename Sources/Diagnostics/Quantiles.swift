import Foundation

/// Sample quantiles of sorted data, in the two floating-point spellings RLFit must reproduce
/// bit for bit.
///
/// Both are Hyndman & Fan's type 7 (linear interpolation between order statistics, the
/// default of R and NumPy): with n sorted values x₀ ≤ … ≤ xₙ₋₁, the quantile at p sits at
/// position h = (n − 1)p and is x⌊h⌋ + (h − ⌊h⌋)(x⌊h⌋₊₁ − x⌊h⌋). NumPy and SciPy's
/// `mquantiles` (which ArviZ uses for the tail-ESS thresholds) evaluate this with different
/// rounding; the last bits matter when a threshold falls exactly on tied draws, because the
/// tail ESS compares every draw against it.
///
/// - Reference: R. J. Hyndman and Y. Fan (1996), "Sample quantiles in statistical packages",
///   *The American Statistician* 50(4), 361–365.
enum Quantiles {
    /// NumPy's `quantile(method="linear")`: h = (n − 1)p, g = h − ⌊h⌋, and the interpolation
    /// a + (b − a)g for g < ½ but b − (b − a)(1 − g) for g ≥ ½ (NumPy's `_lerp`).
    /// `sorted` must be ascending and free of NaN; an empty array gives NaN.
    static func numpyLinear(sorted: UnsafeBufferPointer<Double>, _ p: Double) -> Double {
        let n = sorted.count
        guard n > 0 else { return .nan }
        let h = Double(n - 1) * p
        let lowerIndex = Swift.min(Swift.max(Int(h.rounded(.down)), 0), n - 1)
        let upperIndex = Swift.min(lowerIndex + 1, n - 1)
        let g = h - Double(lowerIndex)
        let a = sorted[lowerIndex], b = sorted[upperIndex]
        let diff = b - a
        return g >= 0.5 ? b - diff * (1 - g) : a + diff * g
    }

    /// SciPy's `mstats.mquantiles(alphap=1, betap=1)` (ArviZ's `_quantile`): m = 1 − p,
    /// aleph = np + m, k = ⌊clip(aleph, 1, n − 1)⌋, γ = clip(aleph − k, 0, 1), and the value
    /// (1 − γ)·x₍ₖ₋₁₎ + γ·x₍ₖ₎. A single value is its own quantile; an empty array gives NaN.
    static func mquantilesType7(sorted: UnsafeBufferPointer<Double>, _ p: Double) -> Double {
        let n = sorted.count
        guard n > 0 else { return .nan }
        if n == 1 { return sorted[0] }
        let m = 1.0 + p * (1.0 - 1.0 - 1.0)
        let aleph = Double(n) * p + m
        let k = Int(Swift.min(Swift.max(aleph, 1), Double(n - 1)).rounded(.down))
        let gamma = Swift.min(Swift.max(aleph - Double(k), 0), 1)
        return (1.0 - gamma) * sorted[k - 1] + gamma * sorted[k]
    }

    /// NumPy's median: the middle value, or the mean (a + b)/2 of the two middle values.
    static func median(sorted: UnsafeBufferPointer<Double>) -> Double {
        let n = sorted.count
        guard n > 0 else { return .nan }
        if n % 2 == 1 { return sorted[n / 2] }
        return (sorted[n / 2 - 1] + sorted[n / 2]) / 2
    }
}
