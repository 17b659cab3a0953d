/// Everything one chain produced.
public struct ChainResult: Sendable {
    public let chainID: Int
    /// d, the number of unconstrained parameters.
    public let dimension: Int
    /// The kept positions, row-major: draw i is `positions[i*d ..< (i+1)*d]`. The first
    /// `warmupDrawCount` rows are (thinned) warmup iterations when `saveWarmup` was set.
    public let positions: [Double]
    /// Stan's seven sampler columns for each kept row of `positions`.
    public let statistics: [SamplerStatistics]
    /// How many of the rows are warmup rows (0 unless `saveWarmup`).
    public let warmupDrawCount: Int
    /// The step size after adaptation (used for every post-warmup iteration).
    public let stepSize: Double
    /// M⁻¹ after adaptation.
    public let inverseMetric: InverseMetric
    public let warmupSeconds: Double
    public let samplingSeconds: Double
    /// Density (and gradient) evaluations, all phases, including initialization and the
    /// step-size heuristic.
    public let gradientEvaluations: Int
    /// Gradient evaluations after warmup (the sum of n_leapfrog__ over sampling iterations,
    /// including thinned-out ones): the denominator of "ESS per gradient".
    public let samplingGradientEvaluations: Int
    /// Divergent iterations after warmup (including thinned-out ones).
    public let divergences: Int
    /// Divergent warmup iterations.
    public let warmupDivergences: Int
    /// Post-warmup iterations that stopped at the maximum tree depth.
    public let maxDepthHits: Int
    /// Non-fatal problems (reduced warmup, a metric window that fell back to diagonal, ...).
    public let warnings: [String]
    /// False when the chain was cancelled: the arrays then hold the iterations completed.
    public let isComplete: Bool
    /// Iterations completed (warmup + sampling), thinned or not.
    public let iterationsCompleted: Int

    /// The number of kept rows.
    public var drawCount: Int { statistics.count }

    /// Kept post-warmup rows.
    public var samplingDrawCount: Int { drawCount - warmupDrawCount }

    /// Row i of `positions`.
    public func position(_ i: Int) -> ArraySlice<Double> {
        positions[(i * dimension)..<((i + 1) * dimension)]
    }

    /// Parameter j across the post-warmup rows.
    public func samplingDraws(parameter j: Int) -> [Double] {
        (warmupDrawCount..<drawCount).map { positions[$0 * dimension + j] }
    }
}
