import Foundation

/// Summation in NumPy's order, so that the PSIS-LOO quantities reproduce ArviZ's to the last
/// few ulps rather than only to the conditioning of the sum.
///
/// NumPy's `add.reduce` over a contiguous array is a pairwise sum: fewer than 8 terms are
/// added left to right; up to 128 terms use 8 running accumulators (element i goes to
/// accumulator i mod 8) combined as ((r₀+r₁)+(r₂+r₃))+((r₄+r₅)+(r₆+r₇)), with the terms
/// after the last full block of 8 added at the end; longer arrays are split at n/2 rounded
/// down to a multiple of 8 and the halves summed recursively. The error grows as O(log n)
/// instead of O(n). NaN propagates; an empty sum is −0.0 (NumPy starts from −0.0).
enum PairwiseSum {
    /// Σ x, in NumPy's pairwise order.
    static func sum(_ x: UnsafeBufferPointer<Double>) -> Double {
        guard let base = x.baseAddress else { return -0.0 }
        return pairwise(base, x.count)
    }

    /// Σ x of an array, in NumPy's pairwise order.
    static func sum(_ x: [Double]) -> Double {
        x.withUnsafeBufferPointer { sum($0) }
    }

    /// NumPy's `mean`: the pairwise sum divided by the count (NaN for no values).
    static func mean(_ x: UnsafeBufferPointer<Double>) -> Double {
        sum(x) / Double(x.count)
    }

    /// NumPy's `var` (divisor n, ddof = 0): the mean of (x − x̄)², both means pairwise.
    static func populationVariance(_ x: [Double]) -> Double {
        x.withUnsafeBufferPointer { p in
            let m = mean(p)
            let squares = p.map { ($0 - m) * ($0 - m) }
            return squares.withUnsafeBufferPointer { mean($0) }
        }
    }

    /// log Σ exp(x) as ArviZ's `logsumexp`: m = max x, then log(Σ exp(x − m)) + m with the
    /// sum pairwise. `subtractingLogOf: c` returns log((1/c) Σ exp x) (ArviZ's `b_inv`),
    /// computed as log(Σ exp(x − m)) + (m − log c). −∞ for no values or all −∞ (ArviZ gives
    /// NaN there, from −∞ − (−∞)); NaN if any x is NaN or the maximum is +∞ (∞ − ∞).
    static func logSumExp(_ x: UnsafeBufferPointer<Double>, subtractingLogOf c: Double? = nil) -> Double {
        var m = -Double.infinity
        for v in x {
            if v.isNaN { return .nan }
            if v > m { m = v }
        }
        if x.isEmpty || m == -.infinity { return -.infinity }
        var shifted = [Double](repeating: 0, count: x.count)
        for i in 0..<x.count { shifted[i] = Foundation.exp(x[i] - m) }
        let total = Foundation.log(sum(shifted))
        if let c { return total + (m - Foundation.log(c)) }
        return total + m
    }

    private static func pairwise(_ a: UnsafePointer<Double>, _ n: Int) -> Double {
        if n < 8 {
            var res = -0.0
            for i in 0..<n { res += a[i] }
            return res
        } else if n <= 128 {
            var r0 = a[0], r1 = a[1], r2 = a[2], r3 = a[3]
            var r4 = a[4], r5 = a[5], r6 = a[6], r7 = a[7]
            var i = 8
            let blocks = n - n % 8
            while i < blocks {
                r0 += a[i]; r1 += a[i + 1]; r2 += a[i + 2]; r3 += a[i + 3]
                r4 += a[i + 4]; r5 += a[i + 5]; r6 += a[i + 6]; r7 += a[i + 7]
                i += 8
            }
            var res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
            while i < n { res += a[i]; i += 1 }
            return res
        } else {
            var n2 = n / 2
            n2 -= n2 % 8
            return pairwise(a, n2) + pairwise(a + n2, n - n2)
        }
    }
}
