import Foundation

/// Priors of the non-centred hierarchy (hBayesDM's): μₚ ~ N(0, muScale), σₚ ~ the parameter's
/// scale prior (half-normal(0, 0.2) unless the model says otherwise), zₛₚ ~ N(0, 1).
public struct HierarchyPriors: Sendable, Equatable {
    /// Standard deviation of the normal prior on each group location μₚ (hBayesDM: 1).
    public var muScale: Double = 1
    /// Replaces every parameter's half-normal scale (hBayesDM: 0.2); nil keeps the model's.
    public var sigmaScale: Double? = nil

    public init(muScale: Double = 1, sigmaScale: Double? = nil) {
        self.muScale = muScale
        self.sigmaScale = sigmaScale
    }

    /// The prior on σ of `parameter`.
    public func scalePrior(_ parameter: ParameterSpec) -> ParameterSpec.ScalePrior {
        guard let sigmaScale else { return parameter.scalePrior }
        if case .halfCauchy = parameter.scalePrior { return .halfCauchy(sigmaScale) }
        return .halfNormal(sigmaScale)
    }
}

/// The log posterior density of the whole hierarchical model on the unconstrained vector
/// (DESIGN.md §3, hBayesDM's non-centred parameterization):
///
///     x = [μ (P), log σ (P), z₁ (S), ..., z_P (S)]
///     θₛₚ = Uₚ·Φ≈(μₚ + σₚ·zₛₚ)                 (or μₚ + σₚ·zₛₚ for an unbounded parameter)
///     log p(x) = Σₚ −½(μₚ/muScale)² + Σₚ [log p(σₚ) + log σₚ]  + Σ −½z² + Σₛ ℓₛ(θₛ)
///
/// `log σₚ` is the log-Jacobian of σ = exp(u). Additive constants are dropped, exactly as Stan
/// drops them for `~` statements, so the value equals Stan's `lp__` for hBayesDM's program.
///
/// The gradient is exact: the likelihood's ∂L/∂θ (from the adjoint scan) is chained through
/// θ(x) by hand. Each subject's log-likelihood of the last evaluation is kept in
/// `subjectLogLikelihood` (hBayesDM's `log_lik`). Not thread-safe: one instance per chain.
public final class HierarchicalPosterior {
    public let model: ModelDefinition
    public let priors: HierarchyPriors
    public let subjectCount: Int
    public let parameterCount: Int
    private let likelihood: SubjectLikelihood
    private let scalePriors: [ParameterSpec.ScalePrior]

    private var theta: [Double]        // P·S natural-scale parameters
    private var thetaGradient: [Double]
    private var thetaDerivative: [Double]  // dθ/dx, P·S
    /// Each subject's log-likelihood at the last evaluated point.
    public private(set) var subjectLogLikelihood: [Double]

    public init(model: ModelDefinition, batch: TrialBatch, priors: HierarchyPriors = HierarchyPriors()) {
        self.model = model
        self.priors = priors
        self.subjectCount = batch.subjectCount
        self.parameterCount = model.parameters.count
        self.likelihood = model.makeLikelihood(batch)
        self.scalePriors = model.parameters.map { priors.scalePrior($0) }
        let n = parameterCount * subjectCount
        theta = [Double](repeating: 0, count: n)
        thetaGradient = [Double](repeating: 0, count: n)
        thetaDerivative = [Double](repeating: 0, count: n)
        subjectLogLikelihood = [Double](repeating: 0, count: subjectCount)
    }

    /// 2P + P·S.
    public var dimension: Int { parameterCount * (2 + subjectCount) }

    /// Names of the unconstrained coordinates, hBayesDM style: `mu_pr.1`, ..., `sigma.1` (the
    /// coordinate is log σ but is reported as σ), `A_pr.1`, ..., `tau_pr.S`.
    public var coordinateNames: [String] {
        let P = parameterCount, S = subjectCount
        return (1...P).map { "mu_pr.\($0)" } + (1...P).map { "sigma.\($0)" }
            + model.parameters.flatMap { p in (1...S).map { "\(p.name)_pr.\($0)" } }
    }

    /// log p(x); writes ∇ log p(x) into `gradient` when given. Non-finite x gives a non-finite
    /// result, never a trap.
    public func logDensity(_ x: UnsafeBufferPointer<Double>, gradient: UnsafeMutableBufferPointer<Double>?) -> Double {
        precondition(x.count == dimension && (gradient?.count ?? dimension) == dimension)
        let P = parameterCount, S = subjectCount
        let base = x.baseAddress!
        var lp = 0.0
        // Transform to the natural scale.
        for p in 0..<P {
            let mu = base[p], logSigma = base[P + p]
            let sigma = Foundation.exp(logSigma)
            let spec = model.parameters[p]
            lp += -0.5 * (mu / priors.muScale) * (mu / priors.muScale)
            lp += scalePriors[p].logDensity(sigma).value + logSigma
            let z = base + 2 * P + p * S
            for s in 0..<S {
                lp += -0.5 * z[s] * z[s]
                let (value, derivative) = spec.constrain(mu + sigma * z[s])
                theta[p * S + s] = value
                thetaDerivative[p * S + s] = derivative
            }
        }
        let wantsGradient = gradient != nil
        let logLik = theta.withUnsafeBufferPointer { th in
            subjectLogLikelihood.withUnsafeMutableBufferPointer { ll in
                thetaGradient.withUnsafeMutableBufferPointer { g in
                    likelihood.evaluate(
                        theta: th.baseAddress!, subjectLogLikelihood: ll.baseAddress!,
                        gradient: wantsGradient ? g.baseAddress! : nil)
                }
            }
        }
        lp += logLik
        guard let gradient else { return lp }
        let g = gradient.baseAddress!
        for p in 0..<P {
            let mu = base[p], sigma = Foundation.exp(base[P + p])
            let z = base + 2 * P + p * S
            var dMu = -mu / (priors.muScale * priors.muScale)
            var dSigma = 0.0  // ∂L/∂σ through the subjects
            for s in 0..<S {
                let dx = thetaGradient[p * S + s] * thetaDerivative[p * S + s]
                dMu += dx
                dSigma += dx * z[s]
                g[2 * P + p * S + s] = -z[s] + dx * sigma
            }
            g[p] = dMu
            g[P + p] = sigma * scalePriors[p].logDensity(sigma).derivative + 1 + sigma * dSigma
        }
        return lp
    }

    /// Natural-scale subject parameters θ (P·S, parameter-major) at x.
    public func subjectParameters(_ x: [Double]) -> [Double] {
        let P = parameterCount, S = subjectCount
        var out = [Double](repeating: 0, count: P * S)
        for p in 0..<P {
            let mu = x[p], sigma = Foundation.exp(x[P + p])
            for s in 0..<S { out[p * S + s] = model.parameters[p].constrain(mu + sigma * x[2 * P + p * S + s]).value }
        }
        return out
    }

    /// Group-level values on the natural scale, as hBayesDM reports them: Uₚ·Φ≈(μₚ).
    public func groupMeans(_ x: [Double]) -> [Double] {
        (0..<parameterCount).map { model.parameters[$0].constrain(x[$0]).value }
    }
}
