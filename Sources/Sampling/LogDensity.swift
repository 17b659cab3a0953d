/// A target density on ℝᵈ, the unconstrained scale: the only way the sampler sees a model.
///
/// The sampler calls `logDensity(_:gradient:)` once per leapfrog step (plus a few times at
/// initialization and in the step-size heuristic) and nothing else, so a model is free to keep
/// whatever scratch buffers it needs between calls.
///
/// ## Threads
/// One instance is used by one chain on one thread. `Sampler.runChains` asks a factory for a
/// fresh instance per chain, on the thread that runs the chain, so an implementation need not
/// be thread-safe or `Sendable`; it may own mutable per-call scratch (the method is `mutating`,
/// and a `final class` satisfies it with a non-mutating method).
///
/// ## Failures
/// A non-finite return value (NaN, −∞, or +∞) means "outside the support, or the model could
/// not be evaluated here". It is *recoverable*:
/// - during a trajectory it is a divergence (the energy error is taken as +∞ and the subtree
///   is rejected, exactly as Stan treats a NaN Hamiltonian), never a crash;
/// - at initialization the point is discarded and another is drawn (up to 100 attempts);
/// - in the step-size heuristic it counts as a very poor acceptance.
/// A finite value with a non-finite gradient component propagates NaN into the momentum and is
/// caught the same way at the same leapfrog step.
public protocol LogDensity {
    /// The number of unconstrained parameters d (> 0).
    var dimension: Int { get }

    /// Returns log p(x) up to an additive constant, and writes ∂ log p / ∂xᵢ into
    /// `gradient[i]` for every i in 0..<d. `x.count == gradient.count == dimension`; the two
    /// buffers never alias and belong to the sampler (do not keep them).
    mutating func logDensity(_ x: UnsafeBufferPointer<Double>, gradient: UnsafeMutableBufferPointer<Double>) -> Double
}
