import Foundation

/// The quantities a fit reports per draw, in hBayesDM's names and order (DESIGN.md §5):
///
///     mu_pr.1..P, sigma.1..P, <p>_pr.1..S (per parameter), <p>.1..S (per parameter, natural
///     scale), mu_<p> (per parameter: Uₚ·Φ≈(μₚ)), log_lik.1..S (each subject's log-likelihood)
///
/// Computed from an unconstrained draw x by one forward pass of the likelihood (no gradient).
extension HierarchicalPosterior {
    /// Column names, in the order `outputs(at:into:)` writes them.
    public var outputNames: [String] {
        let P = parameterCount, S = subjectCount
        var names = (1...P).map { "mu_pr.\($0)" } + (1...P).map { "sigma.\($0)" }
        for p in model.parameters { names += (1...S).map { "\(p.name)_pr.\($0)" } }
        for p in model.parameters { names += (1...S).map { "\(p.name).\($0)" } }
        names += model.parameters.map { "mu_\($0.name)" }
        names += (1...S).map { "log_lik.\($0)" }
        return names
    }

    /// Number of output columns: 2P + 2·P·S + P + S.
    public var outputCount: Int { parameterCount * (3 + 2 * subjectCount) + subjectCount }

    /// Writes the output quantities at the unconstrained point `x` into `out` (`outputCount`
    /// values). Returns log p(x).
    @discardableResult
    public func outputs(at x: UnsafeBufferPointer<Double>, into out: UnsafeMutableBufferPointer<Double>) -> Double {
        precondition(out.count == outputCount)
        let P = parameterCount, S = subjectCount
        let lp = logDensity(x, gradient: nil)
        var i = 0
        for p in 0..<P { out[i] = x[p]; i += 1 }
        for p in 0..<P { out[i] = Foundation.exp(x[P + p]); i += 1 }
        for k in 0..<(P * S) { out[i] = x[2 * P + k]; i += 1 }
        for p in 0..<P {
            let mu = x[p], sigma = Foundation.exp(x[P + p])
            for s in 0..<S { out[i] = model.parameters[p].constrain(mu + sigma * x[2 * P + p * S + s]).value; i += 1 }
        }
        for p in 0..<P { out[i] = model.parameters[p].constrain(x[p]).value; i += 1 }
        for s in 0..<S { out[i] = subjectLogLikelihood[s]; i += 1 }
        return lp
    }
}
