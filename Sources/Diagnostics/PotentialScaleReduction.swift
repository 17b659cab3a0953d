import Foundation

/// The classic potential scale reduction factor of M chains of N draws (Gelman & Rubin 1992,
/// in the form of Vehtari et al. 2021, eq. 3–4), as ArviZ's `_rhat`:
///
///     W = mean of the within-chain variances (divide by N − 1),
///     B = N · variance of the chain means (divide by M − 1),
///     R̂ = √((B/W + N − 1) / N).
///
/// Constant draws give 0/0 = NaN; chains that are each constant at different values give
/// +∞ (or a huge finite number when rounding leaves W a few ulps above zero).
func potentialScaleReduction(_ draws: ChainDraws) -> Double {
    let m = draws.chainCount
    let n = draws.drawsPerChain
    guard m >= 2, n >= 2 else { return .nan }
    var means = [Double](repeating: 0, count: m)
    var within = 0.0
    for c in 0..<m {
        let chain = draws.chain(c)
        var sum = 0.0
        for v in chain { sum += v }
        means[c] = sum / Double(n)
        within += sampleVariance(chain)
    }
    within /= Double(m)
    let between = Double(n) * sampleVariance(means)
    return ((between / within + Double(n) - 1) / Double(n)).squareRoot()
}
