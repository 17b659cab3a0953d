import Foundation

/// Pareto-smoothed importance sampling for one set of importance ratios (Vehtari, Simpson,
/// Gelman, Yao & Gabry 2024, "Pareto smoothed importance sampling", JMLR 25(72); Vehtari,
/// Gelman & Gabry 2017, "Practical Bayesian model evaluation using leave-one-out
/// cross-validation and WAIC", Statistics and Computing 27, 1413–1432), in the arithmetic of
/// ArviZ 0.23 (`psislw` / `_psislw`).
///
/// Given S log importance ratios rₛ (for leave-one-out, rₛ = −log p(yᵢ | θₛ), the draws pooled
/// over chains), the largest ratios are replaced by the expected order statistics of a
/// generalized Pareto distribution fitted to them, which stabilizes the estimate; the fitted
/// shape k̂ says how far the estimate can be trusted (k̂ ≤ min(1 − 1/log₁₀S, 0.7) good):
///
/// 1. shift: x = r − max r, so the largest log ratio is 0;
/// 2. tail: M = ⌈min(S/5, 3√(S/r_eff))⌉ (r_eff the relative efficiency ESS/S of the draws);
///    the cutoff c is the (M+1)-th largest x, but at least log(DBL_MIN) ≈ −708.4; the tail is
///    every x > c (M values without ties);
/// 3. if the tail has 5 or more values, fit a ``GeneralizedParetoFit`` to the exceedances
///    exp(x) − exp(c), sorted; if k̂ is finite, the tail's j-th smallest (j = 1…T) becomes
///    log(F⁻¹((j − ½)/T) + exp(c)); with 4 or fewer, k̂ = +∞ and nothing is smoothed;
/// 4. truncation: smoothed values above 0 (the largest raw log ratio) are set to 0;
/// 5. normalization: subtract log Σ exp(x) (or, unnormalized, add back max r).
///
/// NaN behaviour: any NaN or infinite log ratio makes every output weight NaN and k̂ NaN (the
/// smoothing is undefined; ArviZ propagates NaN similarly). Ties inside the tail get the
/// smoothed values in index order (ArviZ: NumPy's unstable argsort; continuous draws have no
/// ties).
public enum PSIS {
    /// The tail length M = ⌈min(S/5, 3√(S/r_eff))⌉ for S ratios (ArviZ and loo), before ties.
    public static func tailLength(drawCount: Int, relativeEfficiency: Double = 1) -> Int {
        let s = Double(drawCount)
        return Int(min(s / 5, 3 * (s / relativeEfficiency).squareRoot()).rounded(.up))
    }

    /// Smooths `logRatios` in place into Pareto-smoothed log weights and returns k̂.
    ///
    /// - Parameters:
    ///   - logRatios: the S log importance ratios (S ≥ 1); overwritten by the log weights.
    ///   - relativeEfficiency: r_eff = ESS/S of the draws, in (0, 1] for MCMC (1 for
    ///     independent draws, the default); it lengthens the tail for autocorrelated draws.
    ///   - normalize: true (default) makes Σ exp(log weight) = 1; false leaves them on the
    ///     scale of the input (the smoothed, truncated ratios).
    /// - Returns: the Pareto shape k̂ (+∞ when the tail has fewer than 5 values, NaN for
    ///   non-finite input).
    @discardableResult
    public static func smooth(
        _ logRatios: UnsafeMutableBufferPointer<Double>,
        relativeEfficiency: Double = 1, normalize: Bool = true
    ) -> Double {
        let n = logRatios.count
        precondition(n > 0, "PSIS needs at least one draw")
        var maxX = -Double.infinity
        for v in logRatios {
            guard v.isFinite else {
                for i in 0..<n { logRatios[i] = .nan }
                return .nan
            }
            if v > maxX { maxX = v }
        }
        for i in 0..<n { logRatios[i] -= maxX }

        // The cutoff is the (M+1)-th largest value (ArviZ: x[argsort(x)[-M-1]]); M < S for
        // S ≥ 2, and a single draw (where ArviZ's index is out of range) is all tail.
        let m = tailLength(drawCount: n, relativeEfficiency: relativeEfficiency)
        let cutoffMin = Foundation.log(Double.leastNormalMagnitude)
        let position = n - m - 1
        let cutoff = position >= 0 ? max(selectKth(Array(logRatios), position), cutoffMin) : cutoffMin
        let expCutoff = Foundation.exp(cutoff)

        var tail = [Int]()
        for i in 0..<n where logRatios[i] > cutoff { tail.append(i) }
        var k = Double.infinity
        if tail.count > 4 {
            tail.sort { (logRatios[$0], $0) < (logRatios[$1], $1) }
            let exceedances = tail.map { Foundation.exp(logRatios[$0]) - expCutoff }
            let fit = GeneralizedParetoFit(sortedExceedances: exceedances)
            k = fit.shape
            if k.isFinite {
                let t = Double(tail.count)
                for (j, index) in tail.enumerated() {
                    let smoothed = Foundation.log(fit.quantile((Double(j) + 0.5) / t) + expCutoff)
                    logRatios[index] = smoothed > 0 ? 0 : smoothed
                }
            }
        }
        if normalize {
            let total = PairwiseSum.logSumExp(UnsafeBufferPointer(logRatios))
            for i in 0..<n { logRatios[i] -= total }
        } else {
            for i in 0..<n { logRatios[i] += maxX }
        }
        return k
    }

    /// Pareto-smoothed log weights of `logRatios` and the shape k̂ (see
    /// ``smooth(_:relativeEfficiency:normalize:)``).
    public static func smoothed(
        _ logRatios: [Double], relativeEfficiency: Double = 1,
        normalize: Bool = true
    ) -> (logWeights: [Double], k: Double) {
        var weights = logRatios
        let k = weights.withUnsafeMutableBufferPointer {
            smooth($0, relativeEfficiency: relativeEfficiency, normalize: normalize)
        }
        return (weights, k)
    }

    /// The k-th smallest (0-based) of `values` by quickselect (Hoare partition, median-of-three
    /// pivot): linear time on average, no full sort of the S draws.
    static func selectKth(_ values: [Double], _ k: Int) -> Double {
        var a = values
        var lo = 0
        var hi = a.count - 1
        while lo < hi {
            let mid = lo + (hi - lo) / 2
            if a[mid] < a[lo] { a.swapAt(mid, lo) }
            if a[hi] < a[lo] { a.swapAt(hi, lo) }
            if a[hi] < a[mid] { a.swapAt(hi, mid) }
            let pivot = a[mid]
            var i = lo
            var j = hi
            while i <= j {
                while a[i] < pivot { i += 1 }
                while pivot < a[j] { j -= 1 }
                if i <= j {
                    a.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            if k <= j {
                hi = j
            } else if k >= i {
                lo = i
            } else {
                return a[k]
            }
        }
        return a[k]
    }
}
