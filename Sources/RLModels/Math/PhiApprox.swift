import Foundation

/// Stan's and hBayesDM's `Phi_approx`: the logistic approximation of the standard normal CDF
/// (Bowling et al. 2009), Φ≈(x) = logistic(0.07056·x³ + 1.5976·x), maximum absolute error
/// 1.4e−4 against Φ. hBayesDM maps every bounded parameter through it, so RLFit does too, to
/// reproduce hBayesDM's numbers.
public enum PhiApprox {
    public static let cubic = 0.07056
    public static let linear = 1.5976

    /// logistic(y) = 1 / (1 + e^−y), evaluated without overflow for either sign. NaN → NaN.
    @inlinable
    public static func logistic(_ y: Double) -> Double {
        if y >= 0 { return 1 / (1 + Foundation.exp(-y)) }
        let e = Foundation.exp(y)
        return e / (1 + e)
    }

    /// Φ≈(x).
    @inlinable
    public static func value(_ x: Double) -> Double {
        logistic(x * (cubic * x * x + linear))
    }

    /// Φ≈(x) and its derivative Φ≈(x)·(1 − Φ≈(x))·(3·0.07056·x² + 1.5976).
    @inlinable
    public static func valueAndDerivative(_ x: Double) -> (value: Double, derivative: Double) {
        let p = value(x)
        return (p, p * (1 - p) * (3 * cubic * x * x + linear))
    }

    /// The inverse: the x with Φ≈(x) = p, for p in (0, 1), by solving the cubic
    /// 0.07056·x³ + 1.5976·x = logit(p) (monotone, one real root) with Newton's method.
    public static func inverse(_ p: Double) -> Double {
        precondition(p > 0 && p < 1, "Phi_approx inverse needs p in (0, 1)")
        let y = Foundation.log(p / (1 - p))
        var x = y / linear
        for _ in 0..<60 {
            let f = x * (cubic * x * x + linear) - y
            let step = f / (3 * cubic * x * x + linear)
            x -= step
            if abs(step) < 1e-15 * max(1, abs(x)) { break }
        }
        return x
    }
}
