/// One point of phase space, z = (q, p), with what the trajectory needs at it, in one
/// contiguous block owned by the chain's workspace (no allocation per step):
///
/// | offset | length | content |
/// | --- | --- | --- |
/// | 0 | d | position q |
/// | d | d | momentum p |
/// | 2d | d | velocity v = M⁻¹p (Stan's p♯ = ∂τ/∂p) |
/// | 3d | d | gradient ∇ log π(q) |
/// | 4d | 1 | log π(q) |
/// | 4d+1 | 1 | kinetic energy τ = ½ pᵀM⁻¹p |
///
/// The struct is a view (pointers), so copies share storage; `assign(from:)` copies values.
struct PhasePoint {
    let base: UnsafeMutablePointer<Double>
    let dimension: Int

    static func size(dimension d: Int) -> Int { 4 * d + 2 }

    var q: UnsafeMutablePointer<Double> { base }
    var p: UnsafeMutablePointer<Double> { base + dimension }
    var v: UnsafeMutablePointer<Double> { base + 2 * dimension }
    var g: UnsafeMutablePointer<Double> { base + 3 * dimension }

    var logDensity: Double {
        get { base[4 * dimension] }
        nonmutating set { base[4 * dimension] = newValue }
    }

    var kinetic: Double {
        get { base[4 * dimension + 1] }
        nonmutating set { base[4 * dimension + 1] = newValue }
    }

    /// H = −log π(q) + τ(p). NaN, and any non-finite log density (including +∞, which only a
    /// faulty model returns), give +∞: such a state has zero weight and is a divergence.
    var hamiltonian: Double {
        let lp = logDensity
        if !lp.isFinite { return .infinity }
        let h = -lp + kinetic
        return h.isNaN ? .infinity : h
    }

    func assign(from other: PhasePoint) {
        base.update(from: other.base, count: PhasePoint.size(dimension: dimension))
    }
}

/// A state kept as a candidate draw (Stan's `z_propose` / `z_sample`): only what the next
/// iteration and the reported statistics need. Layout: q (d), gradient (d), log π, τ.
struct Proposal {
    let base: UnsafeMutablePointer<Double>
    let dimension: Int

    static func size(dimension d: Int) -> Int { 2 * d + 2 }

    var q: UnsafeMutablePointer<Double> { base }
    var g: UnsafeMutablePointer<Double> { base + dimension }
    var logDensity: Double {
        get { base[2 * dimension] }
        nonmutating set { base[2 * dimension] = newValue }
    }
    var kinetic: Double {
        get { base[2 * dimension + 1] }
        nonmutating set { base[2 * dimension + 1] = newValue }
    }

    func assign(from z: PhasePoint) {
        q.update(from: z.q, count: dimension)
        g.update(from: z.g, count: dimension)
        logDensity = z.logDensity
        kinetic = z.kinetic
    }

    func assign(from other: Proposal) {
        base.update(from: other.base, count: Proposal.size(dimension: dimension))
    }
}
