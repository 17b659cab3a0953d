import RLModels
import Sampling

/// The hierarchical posterior as the sampler sees it: the `LogDensity` boundary between
/// RLModels and Sampling (DESIGN.md §7), wired here so neither module imports the other.
/// One instance per chain (the posterior owns its scan workspace).
public struct PosteriorDensity: LogDensity {
    public let posterior: HierarchicalPosterior

    public init(posterior: HierarchicalPosterior) {
        self.posterior = posterior
    }

    public var dimension: Int { posterior.dimension }

    public func logDensity(_ x: UnsafeBufferPointer<Double>, gradient: UnsafeMutableBufferPointer<Double>) -> Double {
        posterior.logDensity(x, gradient: gradient)
    }
}
