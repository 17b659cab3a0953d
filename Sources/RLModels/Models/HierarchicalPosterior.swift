import Foundation
import LinearAlgebra

/// The log posterior density of the whole model on the unconstrained vector, and its exact
/// gradient (DESIGN.md §3). Three hierarchies (`HierarchyMode`):
///
/// **partial** (hBayesDM's non-centred parameterization):
///
///     x = [μ (P), log σ (P), γ (P·Q), z₁ (S), ..., z_P (S)]
///     θₛₚ = Uₚ·Φ≈(μₚ + Xₛ·γₚ + σₚ·zₛₚ)           (μₚ + Xₛ·γₚ + σₚ·zₛₚ for an unbounded parameter)
///     log p(x) = Σₚ −½(μₚ/m)² + Σₚ [log p(σₚ) + log σₚ] + Σ −½(γ/g)² + Σ −½(z/cₚ)² + Σₛ ℓₛ(θₛ)
///
/// cₚ is the parameter's z scale (1, hBayesDM's, unless the file says `z ~ normal(0, c)`; Φ≈
/// becomes the logistic for `via logistic`). X is the S×Q matrix of standardized subject covariates (mean 0, sd 1); the offsets X·Γ and
/// the gradient Xᵀ·(∂L/∂offsets) are one BLAS `dgemm` each. `log σₚ` is the log-Jacobian of
/// σ = exp(u). Additive constants are dropped, as Stan drops them for `~` statements, so with
/// no covariates the value equals Stan's `lp__` for hBayesDM's program.
///
/// **none**: x = [x₁ (S), ..., x_P (S)], θₛₚ = constrain(xₛₚ), xₛₚ ~ N(0, m).
/// **pooled**: x = [x (P)], θₛₚ = constrain(xₚ) for every s, xₚ ~ N(0, m).
///
/// The likelihood's ∂L/∂θ (from the adjoint scan) is chained through θ(x) by hand. Each
/// subject's log-likelihood of the last evaluation is kept in `subjectLogLikelihood`
/// (hBayesDM's `log_lik`). Non-finite x gives a non-finite value, never a trap. Not
/// thread-safe: one instance per chain.
public final class HierarchicalPosterior {
    public let model: ModelDefinition
    public let priors: HierarchyPriors
    public let mode: HierarchyMode
    public let subjectCount: Int
    public let parameterCount: Int
    /// Standardized covariates, S×Q column-major, and their names.
    public let covariates: SubjectCovariates
    private let likelihood: SubjectLikelihood
    /// Bytes the likelihood's lane machines hold (tape, data, rows), allocated once per chain.
    public var likelihoodMemoryBytes: Int { (likelihood as? LaneLikelihood)?.memoryBytes ?? 0 }
    private let scalePriors: [ParameterSpec.ScalePrior]
    /// Each parameter's μ prior variance (`HierarchyPriors.locationScale`²).
    private let locationVariances: [Double]
    /// Each parameter's zₛₚ prior variance (`ParameterSpec.zScale`², 1 unless the file says).
    private let zVariances: [Double]
    /// Per parameter, each subject's own upper bound when the data set it (`min(RT)`).
    private let subjectUppers: [[Double]?]

    private var theta: [Double] // P·S natural-scale parameters (= S×P column-major)
    private var thetaGradient: [Double]
    private var thetaDerivative: [Double] // dθ/dx, P·S
    private var offsets: [Double] // X·Γ, S×P
    private var gammaGradient: [Double] // Q×P
    /// With conditions (several lanes per subject): the study subject of each lane, and the
    /// lane-expanded θ, its gradient and the lanes' log-likelihoods. Empty otherwise.
    private let laneSubject: [Int]
    private var laneTheta: [Double]
    private var laneGradient: [Double]
    private var laneLogLikelihood: [Double]
    /// Each subject's log-likelihood at the last evaluated point.
    public private(set) var subjectLogLikelihood: [Double]

    public init(
        model: ModelDefinition, batch: TrialBatch, priors: HierarchyPriors = HierarchyPriors(),
        mode: HierarchyMode = .partial, covariates: SubjectCovariates = .none
    ) {
        precondition(
            covariates.isEmpty || mode == .partial, "covariates enter the group level: use the partial hierarchy")
        precondition(covariates.isEmpty || covariates.subjectCount == batch.studySubjectCount)
        let uppers = model.subjectUpperBounds(batch)
        self.model = model.boundedBy(uppers)
        self.subjectUppers = (0..<model.parameters.count).map { uppers[$0] }
        self.priors = priors
        self.mode = mode
        self.covariates = covariates
        self.subjectCount = batch.studySubjectCount
        self.parameterCount = model.parameters.count
        let lanes = batch.laneCount
        self.laneSubject = lanes == batch.studySubjectCount ? [] : batch.laneSubject
        laneTheta = [Double](repeating: 0, count: laneSubject.isEmpty ? 0 : lanes * model.parameters.count)
        laneGradient = laneTheta
        laneLogLikelihood = [Double](repeating: 0, count: laneSubject.isEmpty ? 0 : lanes)
        self.likelihood = model.makeLikelihood(batch)
        self.scalePriors = model.parameters.map { priors.scalePrior($0) }
        self.locationVariances = model.parameters.map { priors.locationScale($0) * priors.locationScale($0) }
        self.zVariances = model.parameters.map { $0.zScale * $0.zScale }
        let n = parameterCount * subjectCount
        theta = [Double](repeating: 0, count: n)
        thetaGradient = [Double](repeating: 0, count: n)
        thetaDerivative = [Double](repeating: 0, count: n)
        offsets = [Double](repeating: 0, count: n)
        gammaGradient = [Double](repeating: 0, count: covariates.count * parameterCount)
        subjectLogLikelihood = [Double](repeating: 0, count: subjectCount)
    }

    /// Number of covariates Q.
    public var covariateCount: Int { covariates.count }

    /// The unconstrained dimension: 2P + P·Q + P·S (partial), P·S (none), P (pooled).
    public var dimension: Int {
        let P = parameterCount, S = subjectCount
        switch mode {
        case .partial: return P * (2 + covariateCount + S)
        case .none: return P * S
        case .pooled: return P
        }
    }

    /// Offset of z (partial) in x.
    private var zOffset: Int { parameterCount * (2 + covariateCount) }

    /// Names of the unconstrained coordinates, hBayesDM style: `mu_pr.1`, `sigma.1` (the
    /// coordinate is log σ, reported as σ), `gamma.p.q`, `A_pr.1`, ..., `tau_pr.S`.
    public var coordinateNames: [String] {
        let P = parameterCount, S = subjectCount
        switch mode {
        case .partial:
            return (1...P).map { "mu_pr.\($0)" } + (1...P).map { "sigma.\($0)" } + gammaNames
                + model.parameters.flatMap { p in (1...S).map { "\(p.name)_pr.\($0)" } }
        case .none:
            return model.parameters.flatMap { p in (1...S).map { "\(p.name)_pr.\($0)" } }
        case .pooled:
            return (1...P).map { "mu_pr.\($0)" }
        }
    }

    /// `gamma.p.q`: the effect of covariate q on parameter p's group location.
    var gammaNames: [String] {
        (1...max(parameterCount, 1)).flatMap { p in (0..<covariateCount).map { "gamma.\(p).\($0 + 1)" } }
    }

    /// log p(x); writes ∇ log p(x) into `gradient` when given.
    public func logDensity(_ x: UnsafeBufferPointer<Double>, gradient: UnsafeMutableBufferPointer<Double>?) -> Double {
        precondition(x.count == dimension && (gradient?.count ?? dimension) == dimension)
        let P = parameterCount, S = subjectCount, Q = covariateCount
        let base = x.baseAddress!
        var lp = 0.0
        switch mode {
        case .partial:
            if Q > 0 { computeOffsets(gamma: base + 2 * P) }
            for p in 0..<P {
                let mu = base[p], logSigma = base[P + p]
                let sigma = Foundation.exp(logSigma)
                lp += -0.5 * mu * mu / locationVariances[p] + scalePriors[p].logDensity(sigma).value + logSigma
                for q in 0..<Q {
                    let g = base[2 * P + p * Q + q]
                    lp += -0.5 * g * g / (priors.gammaScale * priors.gammaScale)
                }
                let z = base + zOffset + p * S
                let zVariance = zVariances[p]
                for s in 0..<S {
                    lp += -0.5 * z[s] * z[s] / zVariance
                    let location = Q > 0 ? mu + offsets[p * S + s] : mu
                    setTheta(p, s, constrain(p, s, location + sigma * z[s]))
                }
            }
        case .none:
            for p in 0..<P {
                for s in 0..<S {
                    let v = base[p * S + s]
                    lp += -0.5 * v * v / locationVariances[p]
                    setTheta(p, s, constrain(p, s, v))
                }
            }
        case .pooled:
            for p in 0..<P {
                let v = base[p]
                lp += -0.5 * v * v / locationVariances[p]
                for s in 0..<S { setTheta(p, s, constrain(p, s, v)) }
            }
        }
        let wantsGradient = gradient != nil
        let logLik = laneSubject.isEmpty ? evaluateSubjects(wantsGradient) : evaluateLanes(wantsGradient)
        lp += logLik
        guard let gradient else { return lp }
        let g = gradient.baseAddress!
        // dx = ∂L/∂θ · dθ/dx, reusing thetaGradient in place (S×P column-major).
        for i in 0..<(P * S) { thetaGradient[i] *= thetaDerivative[i] }
        switch mode {
        case .partial:
            for p in 0..<P {
                let mu = base[p], sigma = Foundation.exp(base[P + p])
                let z = base + zOffset + p * S
                var dMu = -mu / locationVariances[p]
                var dSigma = 0.0
                for s in 0..<S {
                    let dx = thetaGradient[p * S + s]
                    dMu += dx
                    dSigma += dx * z[s]
                    g[zOffset + p * S + s] = -z[s] / zVariances[p] + dx * sigma
                }
                g[p] = dMu
                g[P + p] = sigma * scalePriors[p].logDensity(sigma).derivative + 1 + sigma * dSigma
            }
            if Q > 0 {
                gammaGradientFromSubjects()
                for p in 0..<P {
                    for q in 0..<Q {
                        let i = 2 * P + p * Q + q
                        g[i] = gammaGradient[p * Q + q] - base[i] / (priors.gammaScale * priors.gammaScale)
                    }
                }
            }
        case .none:
            for i in 0..<(P * S) { g[i] = -base[i] / locationVariances[i / S] + thetaGradient[i] }
        case .pooled:
            for p in 0..<P {
                var d = -base[p] / locationVariances[p]
                for s in 0..<S { d += thetaGradient[p * S + s] }
                g[p] = d
            }
        }
        return lp
    }

    /// The likelihood with one lane per subject.
    private func evaluateSubjects(_ wantsGradient: Bool) -> Double {
        theta.withUnsafeBufferPointer { th in
            subjectLogLikelihood.withUnsafeMutableBufferPointer { ll in
                thetaGradient.withUnsafeMutableBufferPointer { g in
                    likelihood.evaluate(
                        theta: th.baseAddress!, subjectLogLikelihood: ll.baseAddress!,
                        gradient: wantsGradient ? g.baseAddress! : nil)
                }
            }
        }
    }

    /// The likelihood over condition lanes: θ copied to each subject's lanes, the lanes'
    /// log-likelihoods and gradients summed back per subject.
    private func evaluateLanes(_ wantsGradient: Bool) -> Double {
        let P = parameterCount, S = subjectCount, L = laneSubject.count
        for p in 0..<P { for l in 0..<L { laneTheta[p * L + l] = theta[p * S + laneSubject[l]] } }
        let total = laneTheta.withUnsafeBufferPointer { th in
            laneLogLikelihood.withUnsafeMutableBufferPointer { ll in
                laneGradient.withUnsafeMutableBufferPointer { g in
                    likelihood.evaluate(
                        theta: th.baseAddress!, subjectLogLikelihood: ll.baseAddress!,
                        gradient: wantsGradient ? g.baseAddress! : nil)
                }
            }
        }
        for s in 0..<S { subjectLogLikelihood[s] = 0 }
        for l in 0..<L { subjectLogLikelihood[laneSubject[l]] += laneLogLikelihood[l] }
        if wantsGradient {
            for i in 0..<(P * S) { thetaGradient[i] = 0 }
            for p in 0..<P { for l in 0..<L { thetaGradient[p * S + laneSubject[l]] += laneGradient[p * L + l] } }
        }
        return total
    }

    /// θₛₚ(x) and dθ/dx, within subject s's own bounds.
    @inline(__always)
    private func constrain(_ p: Int, _ s: Int, _ x: Double) -> (value: Double, derivative: Double) {
        if let uppers = subjectUppers[p] { return model.parameters[p].constrain(x, upper: uppers[s]) }
        return model.parameters[p].constrain(x)
    }

    @inline(__always)
    private func setTheta(_ p: Int, _ s: Int, _ c: (value: Double, derivative: Double)) {
        theta[p * subjectCount + s] = c.value
        thetaDerivative[p * subjectCount + s] = c.derivative
    }

    /// offsets (S×P) = X (S×Q) · Γ (Q×P), Γ's column p = γₚ (stored contiguously in x).
    private func computeOffsets(gamma: UnsafePointer<Double>) {
        let S = subjectCount, Q = covariateCount, P = parameterCount
        covariates.values.withUnsafeBufferPointer { xp in
            offsets.withUnsafeMutableBufferPointer { op in
                BLAS.gemm(
                    transposeA: false, transposeB: false, S, P, Q, 1, xp.baseAddress!, lda: S, gamma, ldb: Q,
                    0, op.baseAddress!, ldc: S)
            }
        }
    }

    /// ∂L/∂Γ (Q×P) = Xᵀ (Q×S) · dx (S×P).
    private func gammaGradientFromSubjects() {
        let S = subjectCount, Q = covariateCount, P = parameterCount
        covariates.values.withUnsafeBufferPointer { xp in
            thetaGradient.withUnsafeBufferPointer { dp in
                gammaGradient.withUnsafeMutableBufferPointer { gp in
                    BLAS.gemm(
                        transposeA: true, transposeB: false, Q, P, S, 1, xp.baseAddress!, lda: S, dp.baseAddress!,
                        ldb: S,
                        0, gp.baseAddress!, ldc: Q)
                }
            }
        }
    }

    /// θ of the last evaluation (P·S, parameter-major).
    var currentTheta: [Double] { theta }

    /// Natural-scale subject parameters θ (P·S, parameter-major) at x.
    public func subjectParameters(_ x: [Double]) -> [Double] {
        x.withUnsafeBufferPointer { _ = logDensity($0, gradient: nil) }
        return theta
    }

    /// Group-level values on the natural scale, as hBayesDM reports them: Uₚ·Φ≈(μₚ) (the
    /// covariates at their mean, 0). Empty without a group level.
    public func groupMeans(_ x: [Double]) -> [Double] {
        mode == .none ? [] : (0..<parameterCount).map { model.parameters[$0].constrain(x[$0]).value }
    }
}
