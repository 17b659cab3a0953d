/// One per-subject parameter of a model, with its bounds and how the hierarchy maps the
/// unconstrained scale onto them.
public struct ParameterSpec: Sendable, Equatable {
    /// How an unconstrained value x becomes the parameter.
    public enum Transform: Sendable, Equatable {
        /// θ = upper · Φ≈(x), θ ∈ (0, upper) (hBayesDM's bounded parameters).
        case phiApprox(upper: Double)
        /// θ = x, θ ∈ ℝ.
        case identity
    }

    /// hBayesDM's name (`A`, `tau`, ...).
    public let name: String
    public let transform: Transform
    /// One line for `rlfit models`.
    public let meaning: String

    public init(name: String, transform: Transform, meaning: String) {
        self.name = name
        self.transform = transform
        self.meaning = meaning
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
}
