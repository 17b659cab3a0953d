import Randomness

/// Everything a chain needs to go on from the end of an iteration exactly as if it had never
/// stopped: where it is (position, gradient, log density), how far (iterations completed,
/// rows kept), its random stream's position, and the whole adaptation state — step size, dual
/// averaging (μ, t, s̄, x̄), the metric (M⁻¹, and for a dense metric Σ and its Cholesky factor),
/// the current window's Welford estimator and, for the shrinkage estimator, its draws — plus
/// the running counts the result reports.
///
/// `Sampler.runChain(…, resumingFrom:)` continues from it; every number is kept bit for bit
/// (`ChainStateCoding`), so a resumed chain draws exactly what the uninterrupted chain draws.
public struct ChainState: Sendable, Equatable {
    public var chainID: Int
    public var dimension: Int
    /// Iterations completed (warmup + sampling).
    public var iteration: Int
    public var random: Philox.Position
    /// The step size of the next iteration.
    public var stepSize: Double
    public var position: [Double]
    public var gradient: [Double]
    public var logDensity: Double
    public var kinetic: Double
    public var denseMetric: Bool
    /// M⁻¹'s diagonal (for a dense metric, Σ's).
    public var inverseDiagonal: [Double]
    /// Σ and its lower Cholesky factor, column-major d × d (empty for a diagonal metric).
    public var covariance: [Double]
    public var cholesky: [Double]
    /// Dual averaging's μ, t, s̄, x̄.
    public var dualAveraging: [Double]
    public var welfordCount: Int
    public var welfordMean: [Double]
    public var welfordM2: [Double]
    /// The current window's draws (row-major, `windowCount` × d) when the estimator keeps them.
    public var windowDraws: [Double]
    public var windowCount: Int
    public var warmupDivergences: Int
    public var divergences: Int
    public var maxDepthHits: Int
    public var samplingGradientEvaluations: Int
    public var gradientEvaluations: Int
    public var keptWarmupRows: Int
    public var keptRows: Int
    /// Seconds spent so far in each phase (a resumed chain adds its own).
    public var warmupSeconds: Double
    public var samplingSeconds: Double
    public var warnings: [String]
    /// The chain ran all its iterations.
    public var isComplete: Bool

    /// The chain's result without its draws (`positions` and `statistics` empty; the draws of a
    /// streamed chain are in its file): its counts, timings, step size and metric.
    public var summaryResult: ChainResult {
        ChainResult(
            chainID: chainID, dimension: dimension, positions: [], statistics: [], warmupDrawCount: keptWarmupRows,
            stepSize: stepSize, inverseMetric: inverseMetric, warmupSeconds: warmupSeconds,
            samplingSeconds: samplingSeconds,
            gradientEvaluations: gradientEvaluations, samplingGradientEvaluations: samplingGradientEvaluations,
            divergences: divergences, warmupDivergences: warmupDivergences, maxDepthHits: maxDepthHits,
            warnings: warnings, isComplete: isComplete, iterationsCompleted: iteration)
    }

    public var inverseMetric: InverseMetric {
        denseMetric
            ? .dense(.init(rows: dimension, columns: dimension, columnMajor: covariance)) : .diagonal(inverseDiagonal)
    }
}
