/// How subjects share information (`--hierarchy`).
public enum HierarchyMode: String, Sendable, Equatable, CaseIterable {
    /// Partial pooling, hBayesDM's non-centred hierarchy (the default).
    case partial
    /// Independent subjects with fixed priors: no group level.
    case none
    /// Complete pooling: one parameter set shared by every subject.
    case pooled
}

/// The priors of the model (`--prior-mu`, `--prior-sigma`, `--prior-gamma`).
///
/// - partial: μₚ ~ N(0, muScale), σₚ ~ the parameter's scale prior (half-normal(0, 0.2) unless
///   the model says otherwise, as hBayesDM), zₛₚ ~ N(0, 1), covariate effects γₚq ~ N(0, gammaScale).
/// - none and pooled: each unconstrained parameter ~ N(0, muScale). For a parameter bounded in
///   (0, U), Φ≈ of a standard normal is close to uniform on (0, U).
public struct HierarchyPriors: Sendable, Equatable {
    /// Standard deviation of the normal prior on group locations μₚ (hBayesDM: 1), and on the
    /// unconstrained parameters when there is no hierarchy.
    public var muScale: Double = 1
    /// Replaces every parameter's σ-prior scale (hBayesDM: 0.2 half-normal); nil keeps the model's.
    public var sigmaScale: Double? = nil
    /// Standard deviation of the normal prior on covariate effects (standardized covariates).
    public var gammaScale: Double = 1

    public init(muScale: Double = 1, sigmaScale: Double? = nil, gammaScale: Double = 1) {
        self.muScale = muScale
        self.sigmaScale = sigmaScale
        self.gammaScale = gammaScale
    }

    /// The sd of the normal prior on `parameter`'s group location: the model file's own
    /// (`mu ~ normal(0, s)`) when it sets one, else `muScale`.
    public func locationScale(_ parameter: ParameterSpec) -> Double {
        parameter.muScale ?? muScale
    }

    /// The prior on σ of `parameter`.
    public func scalePrior(_ parameter: ParameterSpec) -> ParameterSpec.ScalePrior {
        guard let sigmaScale else { return parameter.scalePrior }
        if case .halfCauchy = parameter.scalePrior { return .halfCauchy(sigmaScale) }
        return .halfNormal(sigmaScale)
    }
}
