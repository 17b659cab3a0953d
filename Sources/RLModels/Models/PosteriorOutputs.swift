import Foundation

/// The quantities a fit reports per draw, in hBayesDM's names and order (DESIGN.md §5):
///
///     partial: mu_pr.p, sigma.p, gamma.p.q, <p>_pr.s, <p>.s, mu_<p>, log_lik.s
///     none:    <p>_pr.s, <p>.s, log_lik.s
///     pooled:  mu_pr.p, <p>.s (equal for every subject), mu_<p>, log_lik.s
///
/// `log_lik.s` is subject s's log-likelihood, computed from the unconstrained draw by one
/// forward pass of the likelihood (no gradient).
extension HierarchicalPosterior {
    /// Column names, in the order `outputs(at:into:)` writes them.
    public var outputNames: [String] {
        let P = parameterCount, S = subjectCount
        var names: [String] = []
        if mode != .none { names += (1...P).map { "mu_pr.\($0)" } }
        if mode == .partial { names += (1...P).map { "sigma.\($0)" } + (covariateCount > 0 ? gammaNames : []) }
        if mode != .pooled { for p in model.parameters { names += (1...S).map { "\(p.name)_pr.\($0)" } } }
        for p in model.parameters { names += (1...S).map { "\(p.name).\($0)" } }
        if mode != .none { names += model.parameters.map { "mu_\($0.name)" } }
        names += (1...S).map { "log_lik.\($0)" }
        return names
    }

    public var outputCount: Int { outputNames.count }

    /// Writes the output quantities at the unconstrained point `x` into `out` (`outputCount`
    /// values). Returns log p(x).
    @discardableResult
    public func outputs(at x: UnsafeBufferPointer<Double>, into out: UnsafeMutableBufferPointer<Double>) -> Double {
        let P = parameterCount, S = subjectCount, Q = covariateCount
        let lp = logDensity(x, gradient: nil)
        let theta = currentTheta
        var i = 0
        func put(_ v: Double) { out[i] = v; i += 1 }
        switch mode {
        case .partial:
            for p in 0..<P { put(x[p]) }
            for p in 0..<P { put(Foundation.exp(x[P + p])) }
            for k in 0..<(P * Q) { put(x[2 * P + k]) }
            for k in 0..<(P * S) { put(x[P * (2 + Q) + k]) }
        case .none:
            for k in 0..<(P * S) { put(x[k]) }
        case .pooled:
            for p in 0..<P { put(x[p]) }
        }
        for k in 0..<(P * S) { put(theta[k]) }
        if mode != .none { for p in 0..<P { put(model.parameters[p].constrain(x[p]).value) } }
        for s in 0..<S { put(subjectLogLikelihood[s]) }
        precondition(i == out.count, "output count mismatch")
        return lp
    }
}
