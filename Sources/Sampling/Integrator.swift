extension Hamiltonian {
    /// One leapfrog (Störmer–Verlet) step of size ε (negative ε integrates backward in time):
    ///
    ///     p ← p + (ε/2) ∇log π(q)
    ///     q ← q + ε M⁻¹p
    ///     p ← p + (ε/2) ∇log π(q)        (new gradient)
    ///
    /// Symplectic and time-reversible, with energy error O(ε²) over a trajectory (Leimkuhler &
    /// Reich 2004). The gradient at the start is the one stored in `z` (one density evaluation
    /// per step). On exit z.v = M⁻¹p and z.kinetic are current. A non-finite log density or
    /// gradient leaves non-finite values in `z`; `PhasePoint.hamiltonian` then reads +∞.

    func leapfrog(_ z: PhasePoint, stepSize epsilon: Double) {
        let d = dimension
        let half = 0.5 * epsilon
        let q = z.q, p = z.p, v = z.v, g = z.g
        for i in 0..<d { p[i] += half * g[i] }
        metric.velocity(p, into: v)
        for i in 0..<d { q[i] += epsilon * v[i] }
        z.logDensity = logDensity(at: q, gradient: g)
        for i in 0..<d { p[i] += half * g[i] }
        updateKinetic(z)
    }
}
