import Foundation
import ModelLanguage

/// One per-subject parameter of a model: its bounds, how the hierarchy maps the unconstrained
/// scale onto them, and the prior on its group scale σ.
public struct ParameterSpec: Sendable, Equatable {
    /// How an unconstrained value x becomes the parameter.
    public enum Transform: Sendable, Equatable {
        /// θ = lower + (upper − lower)·Φ≈(x), θ ∈ (lower, upper) (hBayesDM's bounded parameters).
        case phiApprox(lower: Double, upper: Double)
        /// θ = x, θ ∈ ℝ.
        case identity
        /// θ = eˣ, θ ∈ (0, ∞).
        case exponential
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
    /// The standard deviation of the normal prior on the group location μ when the model file
    /// sets one (`mu ~ normal(0, s)`); nil: the fit's `--prior-mu` (1, hBayesDM's).
    public let muScale: Double?
    /// A typical value on the natural scale (`typical` in the model file): the group median
    /// simulations use by default. The built-in files give learning rates values typical of
    /// fitted studies (0.2–0.4) and inverse temperatures half their upper bound, the median of
    /// hBayesDM's prior Φ≈(N(0, 1))·upper (τ = 2.5 of 5, β = 5 of 10).
    public let typicalValue: Double

    public init(name: String, transform: Transform, meaning: String, typicalValue: Double,
                scalePrior: ScalePrior = .halfNormal(0.2), muScale: Double? = nil) {
        self.muScale = muScale
        self.name = name
        self.transform = transform
        self.meaning = meaning
        self.typicalValue = typicalValue
        self.scalePrior = scalePrior
    }

    /// (lower, upper) bounds on the natural scale.
    public var bounds: (lower: Double, upper: Double) {
        switch transform {
        case let .phiApprox(lower, upper): return (lower, upper)
        case .identity: return (-.infinity, .infinity)
        case .exponential: return (0, .infinity)
        }
    }

    /// θ(x) and dθ/dx.
    @inlinable
    public func constrain(_ x: Double) -> (value: Double, derivative: Double) {
        switch transform {
        case let .phiApprox(lower, upper):
            let (p, dp) = PhiApprox.valueAndDerivative(x)
            return (lower + (upper - lower) * p, (upper - lower) * dp)
        case .identity:
            return (x, 1)
        case .exponential:
            let e = Foundation.exp(x)
            return (e, e)
        }
    }

    /// The unconstrained x with θ(x) = value (value strictly inside the bounds).
    public func unconstrain(_ value: Double) -> Double {
        switch transform {
        case let .phiApprox(lower, upper): return PhiApprox.inverse((value - lower) / (upper - lower))
        case .identity: return value
        case .exponential: return Foundation.log(value)
        }
    }
}

extension ParameterSpec {
    /// A model file's parameter: its range becomes the transform, its σ prior the scale prior.
    init(_ p: CheckedModel.Parameter) {
        let transform: Transform
        switch p.range {
        case let .interval(lower, upper): transform = .phiApprox(lower: lower, upper: upper)
        case .real: transform = .identity
        case .positive: transform = .exponential
        }
        self.init(name: p.name, transform: transform, meaning: p.meaning, typicalValue: p.typical,
                  scalePrior: p.sigmaPrior.family == "cauchy" ? .halfCauchy(p.sigmaPrior.scale) : .halfNormal(p.sigmaPrior.scale),
                  muScale: p.muScale)
    }

    /// "(0, 1)", "real" or "positive", as `rlfit models` shows it.
    public var rangeDescription: String {
        func format(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x) }
        switch transform {
        case let .phiApprox(lower, upper): return "(\(format(lower)), \(format(upper)))"
        case .identity: return "real"
        case .exponential: return "positive"
        }
    }
}
