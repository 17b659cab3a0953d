/// Why a chain could not run. Each case names the chain and says what to check.
public enum SamplingError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A `SamplerConfiguration` setting is out of range.
    case invalidConfiguration(String)
    /// The density reported `dimension` ≤ 0.
    case invalidDimension(chainID: Int, dimension: Int)
    /// No initial point with a finite log density and gradient was found.
    case initializationFailed(chainID: Int, attempts: Int, radius: Double, lastProblem: String)
    /// The step-size heuristic doubled past 10⁷ (improper posterior) or halved to 0.
    case stepSizeSearchFailed(chainID: Int, reason: String)

    public var description: String {
        switch self {
        case let .invalidConfiguration(message):
            return "invalid sampler configuration: \(message)"
        case let .invalidDimension(chain, dimension):
            return "chain \(chain): the model has dimension \(dimension); it must have at least one parameter"
        case let .initializationFailed(chain, attempts, radius, last):
            let region = radius > 0 ? "drawn uniformly from (−\(radius), \(radius))" : "at zero"
            return "chain \(chain): initialization failed: no point with a finite log density and gradient "
                + "after \(attempts) attempt\(attempts == 1 ? "" : "s") \(region) on the unconstrained scale "
                + "(last attempt: \(last)). The data, the model and its priors leave no point to start from: check the data (`rlfit check DATA --model M`) and the priors' scales."
        case let .stepSizeSearchFailed(chain, reason):
            return "chain \(chain): step-size search failed: \(reason)"
        }
    }
}
