import Foundation
import LinearAlgebra
import Randomness

/// Runs NUTS chains with one configuration.
///
/// ```swift
/// let sampler = Sampler(configuration: SamplerConfiguration(warmup: 1000, draws: 1000, seed: 7))
/// let chains = try sampler.runChains(chainIDs: [1, 2, 3, 4], threads: 4) { _ in MyModel(data) }
/// ```
public struct Sampler: Sendable {
    public var configuration: SamplerConfiguration

    public init(configuration: SamplerConfiguration) {
        self.configuration = configuration
    }

    /// Runs chain `chainID` on the calling thread with the given model instance.
    ///
    /// The chain draws all its random numbers from Philox stream `chainID` of
    /// `configuration.seed`, in a fixed order (initial values, then per iteration: momentum,
    /// directions and subtree choices; step-size heuristics in between), so its draws depend
    /// only on (seed, chainID, configuration, model) — not on threads or other chains.
    ///
    /// Warmup (see `WarmupSchedule`): the step-size heuristic at the start, dual averaging
    /// every warmup iteration, the metric re-estimated at the end of each slow window followed
    /// by the heuristic and a dual-averaging restart; after warmup the step size is e^x̄.
    ///
    /// - Throws: `SamplingError` for an invalid configuration, a failed initialization or a
    ///   failed step-size search. Cancellation is not an error: the result is partial.
    public func runChain<Density: LogDensity>(
        chainID: Int, density: Density,
        progress: (@Sendable (ChainProgress) -> Void)? = nil,
        cancellation: CancellationToken? = nil
    ) throws -> ChainResult {
        let config = configuration
        try config.validate()
        BLASThreading.useSingleThread()
        let d = density.dimension
        guard d > 0 else { throw SamplingError.invalidDimension(chainID: chainID, dimension: d) }

        let clock = ContinuousClock()
        let warmupStart = clock.now
        let metric = EuclideanMetric(dimension: d)
        let hamiltonian = Hamiltonian(density: density, metric: metric)
        let nuts = NUTSSampler(
            hamiltonian: hamiltonian, rng: Philox(seed: config.seed, stream: UInt64(chainID)),
            stepSize: config.initialStepSize, maxDepth: config.maxDepth, maxEnergyError: config.maxEnergyError)
        try nuts.initialize(radius: config.initRadius, attempts: config.initAttempts, chainID: chainID)

        let schedule = config.warmupSchedule
        var warnings: [String] = []
        if config.warmup > 0 && schedule.kind != .asConfigured {
            warnings.append("chain \(chainID): \(schedule.summary)")
        }
        var adaptation = MetricAdaptation(
            kind: config.metric, estimator: config.covarianceEstimator, dimension: d,
            longestWindow: schedule.longestWindow)
        var dualAveraging = DualAveraging(target: config.adaptDelta, parameters: config.dualAveraging)
        if config.warmup > 0 {
            try nuts.findReasonableStepSize(chainID: chainID)
            dualAveraging.restart(stepSize: nuts.stepSize)
        }

        // Output buffers, sized once.
        let keptWarmup = config.saveWarmup ? (config.warmup + config.thin - 1) / config.thin : 0
        let keptSampling = (config.draws + config.thin - 1) / config.thin
        var positions = [Double]()
        positions.reserveCapacity((keptWarmup + keptSampling) * d)
        var statistics = [SamplerStatistics]()
        statistics.reserveCapacity(keptWarmup + keptSampling)

        var warmupDivergences = 0, divergences = 0, maxDepthHits = 0
        var samplingGradients = 0
        var completed = 0
        var cancelled = false
        var warmupSeconds = 0.0
        var samplingStart = clock.now
        let total = config.warmup + config.draws

        for iteration in 0..<total {
            if cancellation?.isCancelled ?? false {
                cancelled = true
                break
            }
            let isWarmup = iteration < config.warmup
            if iteration == config.warmup {
                warmupSeconds = seconds(warmupStart.duration(to: clock.now))
                samplingStart = clock.now
            }
            let stats = nuts.transition()
            if isWarmup {
                if stats.divergent { warmupDivergences += 1 }
            } else {
                if stats.divergent { divergences += 1 }
                if stats.treeDepth >= config.maxDepth { maxDepthHits += 1 }
                samplingGradients += stats.leapfrogSteps
            }

            // Keep the draw (thinning within each phase, as Stan).
            let phaseIndex = isWarmup ? iteration : iteration - config.warmup
            if (!isWarmup || config.saveWarmup) && phaseIndex % config.thin == 0 {
                positions.append(contentsOf: UnsafeBufferPointer(start: nuts.current.q, count: d))
                statistics.append(stats)
            }

            // Adaptation.
            if isWarmup {
                nuts.stepSize = dualAveraging.update(acceptStat: stats.acceptStat)
                if schedule.window(containing: iteration) != nil {
                    adaptation.add(nuts.current.q)
                }
                if let w = schedule.windowEnding(at: iteration) {
                    let range = schedule.windows[w]
                    let context = "chain \(chainID), metric window \(w + 1) of \(schedule.windows.count) "
                        + "(warmup iterations \(range.lowerBound + 1)–\(range.upperBound), \(range.count) draws)"
                    warnings += adaptation.update(metric, context: context)
                    try nuts.findReasonableStepSize(chainID: chainID)
                    dualAveraging.restart(stepSize: nuts.stepSize)
                }
                if iteration == config.warmup - 1 {
                    nuts.stepSize = dualAveraging.finalStepSize
                }
            }
            completed = iteration + 1
            progress?(ChainProgress(
                chainID: chainID, phase: isWarmup ? .warmup : .sampling, iteration: completed,
                warmupIterations: config.warmup, samplingIterations: config.draws,
                warmupDivergences: warmupDivergences, samplingDivergences: divergences,
                stepSize: stats.stepSize))
        }
        if completed <= config.warmup {
            warmupSeconds = seconds(warmupStart.duration(to: clock.now))
        }
        let samplingSeconds = completed > config.warmup ? seconds(samplingStart.duration(to: clock.now)) : 0
        if cancelled {
            warnings.append("chain \(chainID): cancelled after \(completed) of \(total) iterations")
        }
        let keptWarmupRows = min(statistics.count, keptWarmup)

        return ChainResult(
            chainID: chainID, dimension: d, positions: positions, statistics: statistics,
            warmupDrawCount: keptWarmupRows, stepSize: nuts.stepSize, inverseMetric: metric.inverseMetric,
            warmupSeconds: warmupSeconds, samplingSeconds: samplingSeconds,
            gradientEvaluations: hamiltonian.gradientEvaluations,
            samplingGradientEvaluations: samplingGradients,
            divergences: divergences, warmupDivergences: warmupDivergences, maxDepthHits: maxDepthHits,
            warnings: warnings, isComplete: !cancelled, iterationsCompleted: completed)
    }
}

private func seconds(_ duration: Duration) -> Double {
    let c = duration.components
    return Double(c.seconds) + Double(c.attoseconds) * 1e-18
}
