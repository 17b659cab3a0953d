import Foundation
import ModelLanguage

/// One per-subject parameter of a model: its bounds, how the hierarchy maps the unconstrained
/// scale onto them, and the prior on its group scale σ.
public struct ParameterSpec: Sendable, Equatable {
    /// How an unconstrained value x becomes the parameter.
    public enum Transform: Sendable, Equatable {
        /// θ = lower + (upper − lower)·Φ≈(x), θ ∈ (lower, upper) (hBayesDM's bounded parameters).
        case phiApprox(lower: Double, upper: Double)
        /// θ = lower + (upper − lower)·logistic(x) (hBayesDM's hgf models, `via logistic`).
        case logistic(lower: Double, upper: Double)
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
    /// The data column whose smallest value per subject is the upper bound in a fit
    /// (`in (RTbound, min(RT))`); nil for a fixed range. Until a fit resolves it
    /// (`ModelDefinition.boundedBy(_:)`) the upper bound is 2·typical − lower, so that
    /// simulations draw the typical value as the group median.
    public let upperFromData: String?
    /// The standard deviation of the subjects' standardized deviations: zₛₚ ~ N(0, zScale²)
    /// (1, hBayesDM's, unless the file says `z ~ normal(0, s)`: its hgf models use 10).
    public let zScale: Double

    public init(
        name: String, transform: Transform, meaning: String, typicalValue: Double,
        scalePrior: ScalePrior = .halfNormal(0.2), muScale: Double? = nil, upperFromData: String? = nil,
        zScale: Double = 1
    ) {
        self.upperFromData = upperFromData
        self.zScale = zScale
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
        case let .phiApprox(lower, upper), let .logistic(lower, upper): return (lower, upper)
        case .identity: return (-.infinity, .infinity)
        case .exponential: return (0, .infinity)
        }
    }

    /// θ(x) and dθ/dx with another upper bound (a subject's own, `upperFromData`); an
    /// unbounded parameter ignores it.
    @inlinable
    public func constrain(_ x: Double, upper: Double) -> (value: Double, derivative: Double) {
        switch transform {
        case let .phiApprox(lower, _):
            let (p, dp) = PhiApprox.valueAndDerivative(x)
            return (lower + (upper - lower) * p, (upper - lower) * dp)
        case let .logistic(lower, _):
            let p = 1 / (1 + Foundation.exp(-x))
            return (lower + (upper - lower) * p, (upper - lower) * p * (1 - p))
        case .identity:
            return (x, 1)
        case .exponential:
            let e = Foundation.exp(x)
            return (e, e)
        }
    }

    /// The same parameter with the upper bound `upper` (a bounded parameter only).
    public func withUpperBound(_ upper: Double) -> ParameterSpec {
        let bounded: Transform
        switch transform {
        case let .phiApprox(lower, _): bounded = .phiApprox(lower: lower, upper: upper)
        case let .logistic(lower, _): bounded = .logistic(lower: lower, upper: upper)
        default: return self
        }
        return ParameterSpec(
            name: name, transform: bounded, meaning: meaning, typicalValue: typicalValue,
            scalePrior: scalePrior, muScale: muScale, upperFromData: upperFromData, zScale: zScale)
    }

    /// θ(x) and dθ/dx.
    @inlinable
    public func constrain(_ x: Double) -> (value: Double, derivative: Double) {
        constrain(x, upper: bounds.upper)
    }

    /// The unconstrained x with θ(x) = value (value strictly inside the bounds).
    public func unconstrain(_ value: Double) -> Double {
        switch transform {
        case let .phiApprox(lower, upper): return PhiApprox.inverse((value - lower) / (upper - lower))
        case let .logistic(lower, upper):
            let p = (value - lower) / (upper - lower)
            return Foundation.log(p) - Foundation.log1p(-p)
        case .identity: return value
        case .exponential: return Foundation.log(value)
        }
    }
}

extension ParameterSpec {
    /// A model file's parameter: its range becomes the transform (bounds that name arguments
    /// take `argument`'s values), its σ prior the scale prior.
    init(_ p: CheckedModel.Parameter, argument: (String) -> Double) {
        let transform: Transform
        var upperFromData: String?
        func bounded(_ lower: Double, _ upper: Double) -> Transform {
            p.logisticLink ? .logistic(lower: lower, upper: upper) : .phiApprox(lower: lower, upper: upper)
        }
        switch p.range {
        case let .interval(lower, upper): transform = bounded(lower, upper)
        case let .boundedBy(lowerBound, upperBound):
            func value(_ b: ParameterDeclaration.Bound) -> Double? {
                switch b {
                case let .number(x): return x
                case let .argument(name): return argument(name)
                case .subjectMinimum: return nil
                }
            }
            let lower = value(lowerBound)!
            if case let .subjectMinimum(column) = upperBound { upperFromData = column }
            transform = bounded(lower, value(upperBound) ?? 2 * p.typical - lower)
        case .real: transform = .identity
        case .positive: transform = .exponential
        }
        self.init(
            name: p.name, transform: transform, meaning: p.meaning, typicalValue: p.typical,
            scalePrior: p.sigmaPrior.family == "cauchy"
                ? .halfCauchy(p.sigmaPrior.scale) : .halfNormal(p.sigmaPrior.scale),
            muScale: p.muScale, upperFromData: upperFromData, zScale: p.zScale)
    }

    /// "(0, 1)", "(0, 2) logistic", "(0.1, min RT)", "real" or "positive", as `rlfit models` shows it.
    public var rangeDescription: String {
        func format(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x) }
        switch transform {
        case let .phiApprox(lower, upper), let .logistic(lower, upper):
            let link: String
            if case .logistic = transform { link = " logistic" } else { link = "" }
            return "(\(format(lower)), \(upperFromData.map { "min \($0)" } ?? format(upper)))\(link)"
        case .identity: return "real"
        case .exponential: return "positive"
        }
    }
}
