import Foundation

/// The multi-chain effective sample size of Vehtari et al. (2021, §3.2), as ArviZ's `_ess`.
///
/// With M chains of N draws, W the mean within-chain variance (divide by N − 1) and
/// var⁺ = (N − 1)/N · W + B/N (B/N the sample variance of the chain means, present only
/// when M > 1), the combined autocorrelation at lag t is
///
///     ρ̂ₜ = 1 − (W − γ̄(t)) / var⁺,
///
/// with γ̄ the chain-averaged autocovariance (``Autocovariance``). Geyer's initial positive
/// sequence sums pairs Pₖ = ρ̂₂ₖ + ρ̂₂ₖ₊₁ while they are positive, the initial monotone
/// sequence replaces each pair that exceeds its predecessor with the predecessor, and
///
///     τ̂ = −1 + 2 Σ_{t ≤ t_max} ρ̂ₜ + ρ̂_{t_max+1}  (the last term when the even one is > 0),
///     ESS = M·N / max(τ̂, 1/log₁₀(M·N)).
///
/// The lower bound on τ̂ caps ESS at M·N·log₁₀(M·N) for antithetic chains, as ArviZ does.
/// Draws whose range is below 1e−15 (constant, within rounding) give ESS = M·N, as ArviZ.
///
/// - References: C. J. Geyer (1992), "Practical Markov chain Monte Carlo", *Statistical
///   Science* 7(4); A. Vehtari, A. Gelman, D. Simpson, B. Carpenter, P.-C. Bürkner (2021),
///   "Rank-normalization, folding, and localization: an improved R̂ for assessing convergence
///   of MCMC", *Bayesian Analysis* 16(2), 667–718.
/// - Returns: NaN if any autocorrelation is NaN (the caller screens NaN draws beforehand).
func effectiveSampleSize(_ draws: ChainDraws) -> Double {
    let m = draws.chainCount
    let n = draws.drawsPerChain
    let size = Double(m * n)
    guard n >= 2 else { return .nan }
    var lo = Double.infinity, hi = -Double.infinity
    for v in draws.values {
        lo = Swift.min(lo, v)
        hi = Swift.max(hi, v)
    }
    if hi - lo < 1e-15 { return size }

    var acov = Autocovariance(draws)
    let nd = Double(n)
    let meanVar = acov(0) * nd / (nd - 1)
    var varPlus = meanVar * (nd - 1) / nd
    if m > 1 { varPlus += sampleVariance(acov.chainMeans) }

    var rho = [Double](repeating: 0, count: n)
    var rhoEven = 1.0
    rho[0] = rhoEven
    var rhoOdd = 1 - (meanVar - acov(1)) / varPlus
    rho[1] = rhoOdd

    // Geyer's initial positive sequence.
    var t = 1
    while t < n - 3 && rhoEven + rhoOdd > 0 {
        rhoEven = 1 - (meanVar - acov(t + 1)) / varPlus
        rhoOdd = 1 - (meanVar - acov(t + 2)) / varPlus
        if rhoEven + rhoOdd >= 0 {
            rho[t + 1] = rhoEven
            rho[t + 2] = rhoOdd
        }
        t += 2
    }
    let maxT = t - 2
    if rhoEven > 0 { rho[maxT + 1] = rhoEven }

    // Geyer's initial monotone sequence.
    t = 1
    while t <= maxT - 2 {
        if rho[t + 1] + rho[t + 2] > rho[t - 1] + rho[t] {
            rho[t + 1] = (rho[t - 1] + rho[t]) / 2
            rho[t + 2] = rho[t + 1]
        }
        t += 2
    }

    if rho.contains(where: { $0.isNaN }) { return .nan }
    var tau = -1.0
    if maxT >= 0 {
        for i in 0...maxT { tau += 2 * rho[i] }
    }
    if maxT + 1 < n { tau += rho[maxT + 1] }
    tau = Swift.max(tau, 1 / log10(size))
    return size / tau
}

/// Sample variance with divisor count − 1 (NumPy's `var(ddof=1)`), two-pass.
func sampleVariance<C: Collection>(_ x: C) -> Double where C.Element == Double {
    let n = Double(x.count)
    guard x.count > 1 else { return .nan }
    var sum = 0.0
    for v in x { sum += v }
    let mean = sum / n
    var ss = 0.0
    for v in x { ss += (v - mean) * (v - mean) }
    return ss / (n - 1)
}
