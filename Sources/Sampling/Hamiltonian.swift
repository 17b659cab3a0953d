/// The Hamiltonian system H(q, p) = −log π(q) + ½ pᵀM⁻¹p of one chain: the model instance,
/// the metric, and a count of density evaluations (each returns log π and its gradient, so
/// this is the number of gradient evaluations).
final class Hamiltonian<Density: LogDensity> {
    var density: Density
    let metric: EuclideanMetric
    let dimension: Int
    /// Every call of `logDensity(_:gradient:)` made for this chain.
    var gradientEvaluations = 0

    init(density: Density, metric: EuclideanMetric) {
        self.density = density
        self.metric = metric
        self.dimension = metric.dimension
    }

    /// log π(q), writing ∇ log π(q) into `gradient`.

    func logDensity(at q: UnsafeMutablePointer<Double>, gradient: UnsafeMutablePointer<Double>) -> Double {
        gradientEvaluations += 1
        return density.logDensity(
            UnsafeBufferPointer(start: q, count: dimension),
            gradient: UnsafeMutableBufferPointer(start: gradient, count: dimension))
    }

    /// Sets z.v = M⁻¹ z.p and z.kinetic = ½ z.pᵀ z.v.

    func updateKinetic(_ z: PhasePoint) {
        metric.velocity(z.p, into: z.v)
        var s = 0.0
        for i in 0..<dimension { s += z.p[i] * z.v[i] }
        z.kinetic = 0.5 * s
    }
}
