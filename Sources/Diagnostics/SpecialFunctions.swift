import Foundation

/// The special functions of random-effects model selection: the digamma function and the
/// regularized lower incomplete gamma function (the Gamma(a, 1) CDF). The log-gamma function is
/// the C library's `lgamma`.
enum SpecialFunctions {
    /// ψ(x) = d/dx log Γ(x) for x > 0: the recurrence ψ(x) = ψ(x + 1) − 1/x up to x ≥ 12, then
    /// the asymptotic series ψ(x) = log x − 1/(2x) − Σₙ B₂ₙ/(2n x²ⁿ) to x⁻¹⁴ (truncation error
    /// below 1e−17 there). NaN for x ≤ 0 or NaN; +∞ for +∞.
    static func digamma(_ x: Double) -> Double {
        guard x > 0 else { return .nan }
        if x.isInfinite { return .infinity }
        var v = x
        var shift = 0.0
        while v < 12 {
            shift -= 1 / v
            v += 1
        }
        let r = 1 / (v * v)
        // B₂/2 = 1/12, B₄/4 = −1/120, B₆/6 = 1/252, B₈/8 = −1/240, B₁₀/10 = 1/132,
        // B₁₂/12 = −691/32760, B₁₄/14 = 1/12.
        let series =
            r
            * (1.0 / 12 - r
                * (1.0 / 120 - r
                    * (1.0 / 252 - r
                        * (1.0 / 240 - r
                            * (1.0 / 132
                                - r * (691.0 / 32760 - r * (1.0 / 12)))))))
        return shift + Foundation.log(v) - 0.5 / v - series
    }

    /// P(a, x) = γ(a, x)/Γ(a), the CDF at x of Gamma(a, 1), for a > 0, x ≥ 0: the series
    /// Σₙ xⁿ/(a(a+1)…(a+n)) for x < a + 1, else 1 − Q with Q(a, x) by Lentz's continued fraction;
    /// both scaled by exp(a·log x − x − log Γ(a)). Relative accuracy ~1e−14. P(a, 0) = 0,
    /// P(a, ∞) = 1; NaN for a ≤ 0, x < 0 or NaN.
    static func regularizedLowerGamma(_ a: Double, _ x: Double) -> Double {
        guard a > 0, x >= 0 else { return .nan }
        if x == 0 { return 0 }
        if x.isInfinite { return 1 }
        let logPrefactor = a * Foundation.log(x) - x - Foundation.lgamma(a)
        if x < a + 1 {
            var term = 1 / a
            var sum = term
            var n = a
            for _ in 0..<10_000 {
                n += 1
                term *= x / n
                sum += term
                if abs(term) < abs(sum) * 1e-17 { break }
            }
            return min(1, sum * Foundation.exp(logPrefactor))
        }
        // Q(a, x) = e^(−x) x^a / Γ(a) · 1/(x + 1 − a − 1·(1 − a)/(x + 3 − a − 2·(2 − a)/(x + 5 − a − …))).
        let tiny = 1e-300
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var h = d
        for i in 1..<10_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return max(0, 1 - Foundation.exp(logPrefactor) * h)
    }

    /// The Gamma(a, 1) density x^(a−1) e^(−x) / Γ(a) (0 for x < 0).
    static func gammaDensity(_ a: Double, _ x: Double) -> Double {
        guard x >= 0 else { return 0 }
        if x == 0 { return a == 1 ? 1 : (a < 1 ? .infinity : 0) }
        return Foundation.exp((a - 1) * Foundation.log(x) - x - Foundation.lgamma(a))
    }
}
