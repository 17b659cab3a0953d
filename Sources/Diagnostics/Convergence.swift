import Foundation

/// Convergence diagnostics for the draws of one scalar quantity from several chains:
/// rank-normalized split R̂, bulk and tail effective sample size, the ESS and Monte Carlo
/// standard error of the mean.
///
/// Definitions follow Vehtari, Gelman, Simpson, Carpenter & Bürkner (2021), "Rank-
/// normalization, folding, and localization: an improved R̂ for assessing convergence of
/// MCMC", *Bayesian Analysis* 16(2), 667–718, in the exact arithmetic of ArviZ 0.23
/// (`rhat(method="rank")`, `ess(method="bulk"|"tail"|"mean")`, `mcse(method="mean")`);
/// the tests compare against ArviZ's values to 1e−12 relative (they agree to ~1e−14).
///
/// Shared conventions:
/// - Chains are split in halves first (the middle draw of an odd-length chain is dropped).
/// - Any NaN or infinite draw makes the result NaN (ArviZ: NaN for NaN draws).
/// - Fewer than 4 draws per chain gives NaN; R̂ also needs at least 2 chains (ArviZ).
/// - Constant draws: R̂ is NaN (0/0: undefined, and RLFit reports it as NaN); ESS is the
///   total number of draws and the MCSE of the mean is 0, as ArviZ reports them.
public enum Convergence {
    /// Rank-normalized split R̂: the larger of the bulk R̂ (on rank-normalized split draws)
    /// and the tail R̂ (on rank-normalized folded split draws |x − median|), each the classic
    /// √((B/W + N − 1)/N) over the 2M half-chains. Values below 1.01 indicate convergence.
    ///
    /// The median used for folding is that of the split draws, as `arviz.rhat(method="rank")`.
    public static func splitRHat(_ draws: ChainDraws) -> Double {
        guard valid(draws, minChains: 2) else { return .nan }
        let split = draws.split()
        let order = SortOrder(split.values)
        return splitRHat(split: split, order: order)
    }

    /// Bulk effective sample size: the ESS (``essMean(_:)``'s estimator) of the rank-normalized
    /// split draws. Measures how well the centre of the distribution is explored; want > 400
    /// for 4 chains (100 per chain).
    public static func essBulk(_ draws: ChainDraws) -> Double {
        guard valid(draws, minChains: 1) else { return .nan }
        let split = draws.split()
        return effectiveSampleSize(RankNormalization.zScale(split, order: SortOrder(split.values)))
    }

    /// Tail effective sample size: min(ESS of I(x ≤ q₀.₀₅), ESS of I(x ≤ q₀.₉₅)), the
    /// indicators split as usual; q are type-7 quantiles of all draws (ArviZ computes them
    /// with SciPy's `mquantiles(alphap=1, betap=1)`, reproduced bit for bit).
    public static func essTail(_ draws: ChainDraws) -> Double {
        guard valid(draws, minChains: 1) else { return .nan }
        let sorted = draws.values.sorted()
        return essTail(draws, sorted: sorted)
    }

    /// ESS of the mean: the ESS estimator (Geyer's initial monotone sequence on the
    /// multi-chain autocorrelation, capped at S·log₁₀S) on the raw split draws, not ranked.
    public static func essMean(_ draws: ChainDraws) -> Double {
        guard valid(draws, minChains: 1) else { return .nan }
        return effectiveSampleSize(draws.split())
    }

    /// Monte Carlo standard error of the mean: sd / √ESS_mean, with sd the sample standard
    /// deviation (divisor S − 1) of all draws including the middle draw of odd-length
    /// chains, and ESS_mean from ``essMean(_:)`` (ArviZ's `mcse(method="mean")`).
    public static func mcseMean(_ draws: ChainDraws) -> Double {
        guard valid(draws, minChains: 1) else { return .nan }
        let sd = sampleVariance(draws.values).squareRoot()
        return sd / effectiveSampleSize(draws.split()).squareRoot()
    }

    // MARK: [[Double]] conveniences

    /// ``splitRHat(_:)-(ChainDraws)`` of chains given as one array each.
    public static func splitRHat(_ chains: [[Double]]) -> Double { splitRHat(ChainDraws(chains)) }
    /// ``essBulk(_:)-(ChainDraws)`` of chains given as one array each.
    public static func essBulk(_ chains: [[Double]]) -> Double { essBulk(ChainDraws(chains)) }
    /// ``essTail(_:)-(ChainDraws)`` of chains given as one array each.
    public static func essTail(_ chains: [[Double]]) -> Double { essTail(ChainDraws(chains)) }
    /// ``essMean(_:)-(ChainDraws)`` of chains given as one array each.
    public static func essMean(_ chains: [[Double]]) -> Double { essMean(ChainDraws(chains)) }
    /// ``mcseMean(_:)-(ChainDraws)`` of chains given as one array each.
    public static func mcseMean(_ chains: [[Double]]) -> Double { mcseMean(ChainDraws(chains)) }

    // MARK: Shared pieces (also used by the summary, which sorts once)

    /// ArviZ's shape and NaN screen: at least 4 draws per chain, `minChains` chains, all finite.
    static func valid(_ draws: ChainDraws, minChains: Int) -> Bool {
        draws.drawsPerChain >= 4 && draws.chainCount >= minChains && draws.allFinite
    }

    /// R̂ of split draws whose sort order is known.
    static func splitRHat(split: ChainDraws, order: SortOrder) -> Double {
        let bulk = potentialScaleReduction(RankNormalization.zScale(split, order: order))
        let median = order.sorted(split.values).withUnsafeBufferPointer { Quantiles.median(sorted: $0) }
        let folded = order.folded(split.values, about: median)
        let foldedDraws = ChainDraws(chainMajor: folded.values, chainCount: split.chainCount)
        let tail = potentialScaleReduction(RankNormalization.zScale(foldedDraws, order: folded.order))
        // Python's max(bulk, tail): keeps bulk unless tail is strictly larger.
        return tail > bulk ? tail : bulk
    }

    /// Tail ESS given all draws sorted ascending.
    static func essTail(_ draws: ChainDraws, sorted: [Double]) -> Double {
        let (low, high) = sorted.withUnsafeBufferPointer {
            (Quantiles.mquantilesType7(sorted: $0, 0.05), Quantiles.mquantilesType7(sorted: $0, 0.95))
        }
        let essLow = effectiveSampleSize(draws.mapValues { $0 <= low ? 1 : 0 }.split())
        let essHigh = effectiveSampleSize(draws.mapValues { $0 <= high ? 1 : 0 }.split())
        // Python's min(low, high): keeps low unless high is strictly smaller.
        return essHigh < essLow ? essHigh : essLow
    }
}
