import Foundation

/// Random-effects Bayesian model selection for group studies (Stephan, Penny, Daunizeau, Moran
/// & Friston 2009, "Bayesian model selection for group studies", NeuroImage 46, 1004–1017;
/// Rigoux, Stephan, Friston & Daunizeau 2014, "Bayesian model selection for group studies —
/// revisited", NeuroImage 84, 971–985), the algorithm of SPM12's `spm_BMS` / `spm_BMS_bor`.
///
/// Each subject n's data come from one of K models, drawn with unknown frequencies r ~
/// Dirichlet(α₀) (α₀ = 1: uniform). Given the subjects × models matrix of log evidences Lₙₖ
/// (RLFit uses each subject's PSIS-LOO elpd as the log evidence), variational Bayes with
/// q(r) = Dirichlet(α) and q(mₙ = k) = gₙₖ iterates
///
///     gₙₖ ∝ exp(Lₙₖ + ψ(αₖ) − ψ(Σⱼαⱼ)),   αₖ = α₀ₖ + Σₙ gₙₖ
///
/// from α = α₀ until ‖Δα‖₂ ≤ 1e−10·Σα (SPM stops at 1e−3; the tighter rule only removes
/// iteration noise), and a last update of g from the final α. Outputs:
/// - expected frequencies E[rₖ] = αₖ/Σα;
/// - exceedance probabilities xpₖ = P(rₖ > rⱼ ∀ j ≠ k | α). SPM uses the Beta CDF for K = 2
///   and 10⁶ Dirichlet samples otherwise; here, for any K, exactly as a one-dimensional
///   integral: with rₖ = Gₖ/ΣGⱼ, Gⱼ ~ Gamma(αⱼ, 1) independent, xpₖ = ∫ fₖ(x) Πⱼ≠ₖ Pⱼ(x) dx
///   (f the Gamma density, P its CDF), by composite 10-point Gauss–Legendre quadrature
///   (accurate to ~1e−12);
/// - the Bayes omnibus risk BOR = 1/(1 + exp(F₁ − F₀)), the posterior probability that all
///   frequencies are equal (Rigoux et al. 2014 eq. 5 and appendix), with F₀ = Σₙ (log Σₖ
///   exp Lₙₖ − log K) the log evidence of the null (every model equally likely for every
///   subject; SPM's `FE_null`, there written with gₙₖ·(Lₙₖ − log K − log(gₙₖ + ε)), which
///   equals it up to ε) and F₁ the variational free energy of the random-effects model
///   (Rigoux eq. A.20):
///       F₁ = log Γ(Σα₀) − Σ log Γ(α₀ₖ) + Σ (α₀ₖ − 1) E log rₖ + Σₙₖ gₙₖ (E log rₖ + Lₙₖ)
///          + Σ log Γ(αₖ) − log Γ(Σα) − Σ (αₖ − 1) E log rₖ − Σₙₖ gₙₖ log gₙₖ,
///   E log rₖ = ψ(αₖ) − ψ(Σα) (0·log 0 = 0; SPM writes log(g + ε));
/// - protected exceedance probabilities pxpₖ = (1 − BOR)·xpₖ + BOR/K (Rigoux eq. 7).
///
/// NaN behaviour: any non-finite log evidence makes every output NaN.
public struct BayesianModelSelection: Sendable, Equatable {
    /// Posterior Dirichlet parameters α (α₀ + expected subject counts).
    public let alpha: [Double]
    /// Expected model frequencies αₖ/Σα.
    public let expectedFrequencies: [Double]
    /// Exceedance probabilities P(rₖ > rⱼ ∀ j ≠ k).
    public let exceedanceProbabilities: [Double]
    /// Protected exceedance probabilities (1 − BOR)·xp + BOR/K.
    public let protectedExceedanceProbabilities: [Double]
    /// Bayes omnibus risk: posterior probability that the model frequencies are all equal.
    public let bayesOmnibusRisk: Double
    /// Log evidence of the null (equal frequencies), F₀.
    public let nullFreeEnergy: Double
    /// Variational free energy of the random-effects model, F₁.
    public let freeEnergy: Double
    /// gₙₖ = q(mₙ = k): the posterior probability that subject n's data came from model k,
    /// subject-major (`subjectModelProbabilities[n][k]`).
    public let subjectModelProbabilities: [[Double]]
    /// VB iterations used.
    public let iterations: Int

    /// Runs the random-effects BMS on `logEvidence[n][k]` (N ≥ 1 subjects × K ≥ 2 models)
    /// with prior counts `priorCounts` (default all 1, SPM's default).
    public init(logEvidence: [[Double]], priorCounts: [Double]? = nil) {
        let n = logEvidence.count
        precondition(n > 0, "BMS needs at least one subject")
        let k = logEvidence[0].count
        precondition(k >= 2, "BMS needs at least two models")
        precondition(logEvidence.allSatisfy { $0.count == k }, "BMS: subjects have different numbers of models")
        let alpha0 = priorCounts ?? [Double](repeating: 1, count: k)
        precondition(alpha0.count == k && alpha0.allSatisfy { $0 > 0 }, "BMS: prior counts must be K positive numbers")

        guard logEvidence.allSatisfy({ $0.allSatisfy(\.isFinite) }) else {
            let nan = [Double](repeating: .nan, count: k)
            alpha = nan
            expectedFrequencies = nan
            exceedanceProbabilities = nan
            protectedExceedanceProbabilities = nan
            bayesOmnibusRisk = .nan
            nullFreeEnergy = .nan
            freeEnergy = .nan
            subjectModelProbabilities = logEvidence.map { _ in nan }
            iterations = 0
            return
        }

        func attributions(_ a: [Double]) -> [[Double]] {
            let total = SpecialFunctions.digamma(a.reduce(0, +))
            let eLogR = a.map { SpecialFunctions.digamma($0) - total }
            return logEvidence.map { row in
                let u = zip(row, eLogR).map { $0 + $1 }
                let m = u.max()!
                let e = u.map { Foundation.exp($0 - m) }
                let s = e.reduce(0, +)
                return e.map { $0 / s }
            }
        }

        var a = alpha0
        var g = attributions(a)
        var count = 0
        while count < 100_000 {
            count += 1
            let previous = a
            for j in 0..<k { a[j] = alpha0[j] + g.reduce(0) { $0 + $1[j] } }
            g = attributions(a)
            let change = zip(a, previous).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
            if change <= 1e-10 * a.reduce(0, +) { break }
        }
        alpha = a
        iterations = count
        subjectModelProbabilities = g
        let sumA = a.reduce(0, +)
        expectedFrequencies = a.map { $0 / sumA }
        let xp = BayesianModelSelection.exceedanceProbabilities(alpha: a)
        exceedanceProbabilities = xp

        // F₀: every subject's models equally likely a priori.
        var f0 = 0.0
        for row in logEvidence {
            let m = row.max()!
            f0 += m + Foundation.log(row.reduce(0) { $0 + Foundation.exp($1 - m) }) - Foundation.log(Double(k))
        }
        // F₁: Rigoux et al. (2014) eq. A.20.
        let psiTotal = SpecialFunctions.digamma(sumA)
        let eLogR = a.map { SpecialFunctions.digamma($0) - psiTotal }
        var f1 = Foundation.lgamma(alpha0.reduce(0, +)) - alpha0.reduce(0) { $0 + Foundation.lgamma($1) }
        for j in 0..<k { f1 += (alpha0[j] - 1) * eLogR[j] }
        for (row, gRow) in zip(logEvidence, g) {
            for j in 0..<k {
                f1 += gRow[j] * (eLogR[j] + row[j])
                if gRow[j] > 0 { f1 -= gRow[j] * Foundation.log(gRow[j]) }
            }
        }
        f1 += a.reduce(0) { $0 + Foundation.lgamma($1) } - Foundation.lgamma(sumA)
        for j in 0..<k { f1 -= (a[j] - 1) * eLogR[j] }
        nullFreeEnergy = f0
        freeEnergy = f1
        let bor = 1 / (1 + Foundation.exp(f1 - f0))
        bayesOmnibusRisk = bor
        protectedExceedanceProbabilities = xp.map { (1 - bor) * $0 + bor / Double(k) }
    }

    /// Exceedance probabilities of r ~ Dirichlet(α): xpₖ = P(rₖ > rⱼ ∀ j ≠ k) =
    /// ∫₀^∞ fₖ(x) Πⱼ≠ₖ Pⱼ(x) dx with fₖ, Pₖ the Gamma(αₖ, 1) density and CDF. The integral runs
    /// over [max(0, αₖ − 12√αₖ − 12), αₖ + 12√αₖ + 40] (outside it fₖ carries < 1e−20 of its
    /// mass) in 400 panels of 10-point Gauss–Legendre; for αₖ < 1 the substitution x = u^(1/αₖ)
    /// removes the density's singularity at 0. NaN if any α is not positive and finite.
    public static func exceedanceProbabilities(alpha: [Double]) -> [Double] {
        guard alpha.allSatisfy({ $0 > 0 && $0.isFinite }) else { return alpha.map { _ in .nan } }
        let (nodes, weights) = GaussLegendre.rule10
        return alpha.indices.map { k in
            let ak = alpha[k]
            func others(_ x: Double) -> Double {
                var p = 1.0
                for j in alpha.indices where j != k {
                    p *= SpecialFunctions.regularizedLowerGamma(alpha[j], x)
                    if p == 0 { break }
                }
                return p
            }
            let spread = 12 * ak.squareRoot()
            let upper = ak + spread + 40
            let panels = 400
            var total = 0.0
            if ak < 1 {
                // ∫ fₖ(x) h(x) dx = ∫₀^(upper^αₖ) e^(−x) h(x) / Γ(αₖ + 1) du with x = u^(1/αₖ).
                let uMax = Foundation.pow(upper, ak)
                let width = uMax / Double(panels)
                let norm = Foundation.exp(-Foundation.lgamma(ak + 1))
                for p in 0..<panels {
                    let mid = (Double(p) + 0.5) * width
                    for (t, w) in zip(nodes, weights) {
                        let u = mid + 0.5 * width * t
                        let x = Foundation.pow(u, 1 / ak)
                        total += 0.5 * width * w * norm * Foundation.exp(-x) * others(x)
                    }
                }
            } else {
                let lower = max(0, ak - spread - 12)
                let width = (upper - lower) / Double(panels)
                for p in 0..<panels {
                    let mid = lower + (Double(p) + 0.5) * width
                    for (t, w) in zip(nodes, weights) {
                        let x = mid + 0.5 * width * t
                        total += 0.5 * width * w * SpecialFunctions.gammaDensity(ak, x) * others(x)
                    }
                }
            }
            return total
        }
    }
}
