import Foundation

/// One per-subject parameter of a model: its bounds, how the hierarchy maps the unconstrained
/// scale onto them, and the prior on its group scale σ.
public struct ParameterSpec: Sendable, Equatable {
    /// How an unconstrained value x becomes the parameter.
    public enum Transform: Sendable, Equatable {
        /// θ = upper · Φ≈(x), θ ∈ (0, upper) (hBayesDM's bounded parameters).
        case phiApprox(upper: Double)
        /// θ = x, θ ∈ ℝ.
        case identity
    }

    /// The prior on the group scale σₚ (σ > 0).
    public enum ScalePrior: Sendable, Equatable {
        /// Half-normal(0, scale): hBayesDM's default, scale 0.2.
        case halfNormal(Double)
        /// Half-Cauchy(0, scale): hBayesDM's prl_fictitious for the indecision point α.
        case halfCauchy(Double)

        /// log p(σ) up to a constant, and its derivative in σ.
        public func logDensity(_ sigma: Double) -> (value: Double, derivative: Double) {
            switch self {
            case let .halfNormal(s):
                return (-0.5 * (sigma / s) * (sigma / s), -sigma / (s * s))
            case let .halfCauchy(s):
                let u = sigma / s
                return (-Foundation.log(1 + u * u), -2 * u / (s * (1 + u * u)))
            }
        }

        public var description: String {
            switch self {
            case let .halfNormal(s): return "half-normal(0, \(s))"
            case let .halfCauchy(s): return "half-Cauchy(0, \(s))"
            }
        }
    }

    /// hBayesDM's name (`A`, `tau`, ...).
    public let name: String
    public let transform: Transform
    /// One line for `rlfit models`.
    public let meaning: String
    public let scalePrior: ScalePrior
    /// A typical value on the natural scale: the group median simulations use by default.
    /// Learning rates take values typical of fitted studies (0.2–0.4); inverse temperatures
    /// take half their upper bound, the median of hBayesDM's prior Φ≈(N(0, 1))·upper (τ = 2.5
    /// of 5, β = 5 of 10), which for bandit2arm_delta is also the bundled study's value.
    public let typicalValue: Double

    public init(name: String, transform: Transform, meaning: String, typicalValue: Double,
                scalePrior: ScalePrior = .halfNormal(0.2)) {
        self.name = name
        self.transform = transform
        self.meaning = meaning
        self.typicalValue = typicalValue
        self.scalePrior = scalePrior
    }

    /// (lower, upper) bounds on the natural scale.
    public var bounds: (lower: Double, upper: Double) {
        switch transform {
        case let .phiApprox(upper): return (0, upper)
        case .identity: return (-.infinity, .infinity)
        }
    }

    /// θ(x) and dθ/dx.
    @inlinable
    public func constrain(_ x: Double) -> (value: Double, derivative: Double) {
        switch transform {
        case let .phiApprox(upper):
            let (p, dp) = PhiApprox.valueAndDerivative(x)
            return (upper * p, upper * dp)
        case .identity:
            return (x, 1)
        }
    }

    /// The unconstrained x with θ(x) = value (value strictly inside the bounds).
    public func unconstrain(_ value: Double) -> Double {
        switch transform {
        case let .phiApprox(upper): return PhiApprox.inverse(value / upper)
        case .identity: return value
        }
    }
}
