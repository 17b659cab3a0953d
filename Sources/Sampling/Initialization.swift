import Randomness

extension NUTSSampler {
    /// Finds the chain's starting point as Stan does: every coordinate uniform on
    /// (−radius, radius) on the unconstrained scale (radius 2 by default; radius 0 means the
    /// origin, tried once), accepted when the log density and every gradient component are
    /// finite, retried up to `attempts` times. On success `current` holds the point.
    ///
    /// A given `position` is the only point tried (no random numbers drawn).
    ///
    /// Throws `SamplingError.initializationFailed` naming the last problem seen (NaN or
    /// infinite log density, or which gradient component was not finite).
    func initialize(radius: Double, attempts: Int, chainID: Int, position: [Double]? = nil) throws {
        let d = dimension
        precondition(
            position.map { $0.count == d } ?? true,
            "a starting point of \(position?.count ?? 0) coordinates for d = \(d)")
        let tries = radius > 0 && position == nil ? attempts : 1
        var lastProblem = ""
        for _ in 0..<tries {
            for i in 0..<d { current.q[i] = position?[i] ?? (radius > 0 ? rng.nextUniform(-radius, radius) : 0) }
            let lp = hamiltonian.logDensity(at: current.q, gradient: current.g)
            if !lp.isFinite {
                lastProblem = "the log density is \(lp)"
                continue
            }
            if let bad = (0..<d).first(where: { !current.g[$0].isFinite }) {
                lastProblem = "gradient component \(bad) is \(current.g[bad]) (log density \(lp))"
                continue
            }
            current.logDensity = lp
            current.kinetic = 0
            return
        }
        throw SamplingError.initializationFailed(
            chainID: chainID, attempts: tries, radius: radius, lastProblem: lastProblem)
    }
}
