import Foundation

/// The first-passage-time density of the Wiener diffusion model (the drift-diffusion model of
/// choice and response time), with its exact partial derivatives.
///
/// Evidence starts at β·a between a lower boundary 0 and an upper boundary a > 0, drifts at
/// rate δ with unit diffusion, and the response is the boundary it reaches first; the
/// response time is that passage plus a non-decision time τ. The density of reaching the
/// **upper** boundary at response time y (Stan's `wiener`, hBayesDM's convention) is, with
/// t = y − τ, u = t/a² and w = 1 − β,
///
///     log p = δ·a·w − δ²·t/2 − 2·log a + log f(u | w)
///
/// where f(u | w) is the standardized density of reaching the lower boundary from w
/// (Navarro & Fuss 2009), written either as the small-time series
///
///     f = (2π u³)^−½ · Σ_{k=−K…K} (w + 2k)·exp(−(w + 2k)²/(2u))
///
/// or the large-time series
///
///     f = π · Σ_{k=1…K} k·exp(−k²π²u/2)·sin(kπw).
///
/// Both converge for every u > 0; each call sums the one that needs fewer terms for an
/// absolute error of at most ε = 1e−14 in f. The number of terms is Gondan, Blurton &
/// Kesselmeier's (2014) bound for the small-time series and Navarro & Fuss's for the
/// large-time series. The lower boundary's density is the upper one's with δ → −δ, β → 1 − β.
///
/// Derivatives are those of the summed series, term by term (the number of terms is
/// piecewise constant in the arguments, so this is the exact derivative of the value
/// returned): ∂/∂δ = a·w − δ·t, ∂/∂a = δ·w − 2/a − (2u/a)·∂log f/∂u,
/// ∂/∂τ = δ²/2 − ∂log f/∂u / a², ∂/∂β = −δ·a − ∂log f/∂w.
///
/// Accuracy, measured against 40-digit sums of 121 (small-time) and 399 (large-time) terms
/// (`WienerFirstPassageTests` keeps some of those values): the density's relative error stays
/// below 5e−13 and the derivatives' below 1e−14 for u = t/a² from 1e−4 to 200 and w from
/// 0.05 to 0.97. Each series is summed relative to its largest term, so neither underflows:
/// log p stays finite (≈ −w²/(2u) at small u, ≈ −π²u/2 at large u) where p itself is far
/// below the smallest double. Where it loses accuracy: the relative error of the density
/// grows with |log f| (≈ 1e−16·|log f|, from rounding the leading exponent), reaching 4e−13
/// at u = 1e−4, w = 0.97 (log f ≈ −4700); far outside any response time a fit meets.
/// y ≤ τ has density 0: log p = −∞ and zero derivatives (the sampler rejects the point).
/// Non-finite arguments give a non-finite log p.
public enum WienerFirstPassage {
    /// The absolute error allowed in the standardized density f.
    public static let error = 1e-14

    /// log p and its partial derivatives in the boundary separation a, the non-decision time
    /// τ, the bias β and the drift δ.
    public struct Value: Sendable, Equatable {
        public var logDensity: Double
        public var dBoundary: Double
        public var dNondecision: Double
        public var dBias: Double
        public var dDrift: Double
    }

    /// The density of response time `time` at the upper boundary (`upper`) or the lower one.
    public static func logDensity(
        time y: Double, boundary a: Double, nondecision tau: Double, bias beta: Double,
        drift delta: Double, upper: Bool
    ) -> Value {
        if upper { return upperLogDensity(time: y, boundary: a, nondecision: tau, bias: beta, drift: delta) }
        var v = upperLogDensity(time: y, boundary: a, nondecision: tau, bias: 1 - beta, drift: -delta)
        v.dBias = -v.dBias
        v.dDrift = -v.dDrift
        return v
    }

    /// The upper boundary's density (Stan's `wiener(a, τ, β, δ)`).
    static func upperLogDensity(
        time y: Double, boundary a: Double, nondecision tau: Double, bias beta: Double,
        drift delta: Double
    ) -> Value {
        let t = y - tau
        guard t > 0 else {
            return Value(logDensity: t.isNaN ? .nan : -.infinity, dBoundary: 0, dNondecision: 0, dBias: 0, dDrift: 0)
        }
        let w = 1 - beta, u = t / (a * a)
        let f = standardized(u: u, w: w)
        return Value(
            logDensity: delta * a * w - delta * delta * t / 2 - 2 * log(a) + f.logDensity,
            dBoundary: delta * w - 2 / a - 2 * u / a * f.dU,
            dNondecision: delta * delta / 2 - f.dU / (a * a),
            dBias: -delta * a - f.dW,
            dDrift: a * w - delta * t)
    }

    /// log f(u | w), ∂/∂u and ∂/∂w, from the series with fewer terms.
    static func standardized(u: Double, w: Double) -> (logDensity: Double, dU: Double, dW: Double) {
        let small = smallTimeTerms(u: u, w: w), large = largeTimeTerms(u: u)
        return 2 * small + 1 <= large ? smallTime(u: u, w: w, terms: small) : largeTime(u: u, w: w, terms: large)
    }

    /// K for the small-time series k = −K…K (Gondan, Blurton & Kesselmeier 2014, eq. 16).
    static func smallTimeTerms(u: Double, w: Double) -> Int {
        let k1 = ((2 * u).squareRoot() + w) / 2
        let logError = log(error)
        let uError = min(-1, log(2 * Double.pi * u * u) + 2 * logError)
        let argument = -u * (uError - (-2 * uError - 2).squareRoot())
        let k2 = argument > 0 ? (argument.squareRoot() - w) / 2 : k1
        let k = max(k1, k2)
        return k.isFinite ? Int(min(k, 1000).rounded(.up)) : 1000
    }

    /// K for the large-time series k = 1…K (Navarro & Fuss 2009, eq. 13).
    static func largeTimeTerms(u: Double) -> Int {
        let k1 = 1 / (Double.pi * u.squareRoot())
        let r = -2 * (log(Double.pi * u) + log(error)) / (Double.pi * Double.pi * u)
        let k = max(k1, r > 0 ? r.squareRoot() : 0)
        return k.isFinite ? max(1, Int(min(k, 1000).rounded(.up))) : 1000
    }

    static func smallTime(u: Double, w: Double, terms: Int) -> (logDensity: Double, dU: Double, dW: Double) {
        // Every term is scaled by exp(w²/(2u)) (the k = 0 exponent, the largest), so that the
        // sum does not underflow at small u; the ratios are unchanged.
        var sum = 0.0, sumU = 0.0, sumW = 0.0
        for k in -terms...terms {
            let x = w + 2 * Double(k)
            let e = exp((w * w - x * x) / (2 * u))
            sum += x * e
            sumU += x * x * x / (2 * u * u) * e
            sumW += (1 - x * x / u) * e
        }
        return (log(sum) - w * w / (2 * u) - 0.5 * log(2 * Double.pi) - 1.5 * log(u), sumU / sum - 1.5 / u, sumW / sum)
    }

    static func largeTime(u: Double, w: Double, terms: Int) -> (logDensity: Double, dU: Double, dW: Double) {
        // Every term is scaled by exp(π²u/2) (the k = 1 exponent) against underflow at large u.
        var sum = 0.0, sumU = 0.0, sumW = 0.0
        let pi = Double.pi
        for k in 1...terms {
            let kk = Double(k)
            let e = kk * exp(-(kk * kk - 1) * pi * pi * u / 2)
            let s = sin(kk * pi * w), c = cos(kk * pi * w)
            sum += e * s
            sumU += -kk * kk * pi * pi / 2 * e * s
            sumW += kk * pi * e * c
        }
        return (log(pi * sum) - pi * pi * u / 2, sumU / sum, sumW / sum)
    }
}
