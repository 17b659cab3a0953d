import Foundation
import Randomness

extension Sampler {
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
    /// - Parameters:
    ///   - observer: receives kept rows, the end of warmup and checkpoints as they happen.
    ///   - keepsDraws: false to keep no rows in the result (an observer has them).
    ///   - state: continue from this checkpoint (same seed, configuration and model) instead of
    ///     starting: the rest of the chain is exactly the uninterrupted chain's.
    /// - Throws: `SamplingError` for an invalid configuration, a failed initialization or a
    ///   failed step-size search; what the observer throws. Cancellation is not an error: the
    ///   result is partial.
    public func runChain<Density: LogDensity>(
        chainID: Int, density: Density,
        progress: (@Sendable (ChainProgress) -> Void)? = nil,
        cancellation: CancellationToken? = nil,
        observer: (any ChainObserver)? = nil,
        keepsDraws: Bool = true,
        resumingFrom state: ChainState? = nil
    ) throws -> ChainResult {
        let config = configuration
        try config.validate()
        let d = density.dimension
        guard d > 0 else { throw SamplingError.invalidDimension(chainID: chainID, dimension: d) }
        if let state {
            precondition(
                state.chainID == chainID && state.dimension == d,
                "a checkpoint of chain \(state.chainID) (d = \(state.dimension))")
        }

        let clock = ContinuousClock()
        // Seconds of the current phase run here (initialization counts as warmup).
        var phaseStart = clock.now
        let metric = EuclideanMetric(dimension: d)
        let hamiltonian = Hamiltonian(density: density, metric: metric)
        let rng =
            state.map { Philox(seed: config.seed, stream: UInt64(chainID), position: $0.random) }
            ?? Philox(seed: config.seed, stream: UInt64(chainID))
        let nuts = NUTSSampler(
            hamiltonian: hamiltonian, rng: rng,
            stepSize: config.initialStepSize, maxDepth: config.maxDepth, maxEnergyError: config.maxEnergyError)

        let schedule = config.warmupSchedule
        var adaptation = MetricAdaptation(
            kind: config.metric, estimator: config.covarianceEstimator, dimension: d,
            longestWindow: schedule.longestWindow)
        var dualAveraging = DualAveraging(target: config.adaptDelta, parameters: config.dualAveraging)
        var warnings: [String] = []
        var warmupDivergences = 0, divergences = 0, maxDepthHits = 0
        var samplingGradients = 0
        var completed = 0
        var keptWarmupRows = 0, keptRows = 0
        var warmupSecondsBefore = 0.0, samplingSecondsBefore = 0.0

        if let s = state {
            for i in 0..<d { nuts.current.q[i] = s.position[i]; nuts.current.g[i] = s.gradient[i] }
            nuts.current.logDensity = s.logDensity
            nuts.current.kinetic = s.kinetic
            nuts.stepSize = s.stepSize
            metric.restore(from: s)
            adaptation.restore(from: s)
            dualAveraging.restore(s.dualAveraging)
            hamiltonian.gradientEvaluations = s.gradientEvaluations
            warnings = s.warnings
            (warmupDivergences, divergences, maxDepthHits) = (s.warmupDivergences, s.divergences, s.maxDepthHits)
            samplingGradients = s.samplingGradientEvaluations
            completed = s.iteration
            (keptWarmupRows, keptRows) = (s.keptWarmupRows, s.keptRows)
            (warmupSecondsBefore, samplingSecondsBefore) = (s.warmupSeconds, s.samplingSeconds)
        } else {
            try nuts.initialize(
                radius: config.initRadius, attempts: config.initAttempts, chainID: chainID,
                position: config.initialPositions[chainID])
            if config.warmup > 0 && schedule.kind != .asConfigured {
                warnings.append("chain \(chainID): \(schedule.summary)")
            }
            if config.warmup > 0 {
                try nuts.findReasonableStepSize(chainID: chainID)
                dualAveraging.restart(stepSize: nuts.stepSize)
            }
        }

        // Output buffers, sized once.
        let keptWarmup = config.saveWarmup ? (config.warmup + config.thin - 1) / config.thin : 0
        let keptSampling = (config.draws + config.thin - 1) / config.thin
        var positions = [Double]()
        var statistics = [SamplerStatistics]()
        if keepsDraws {
            positions.reserveCapacity((keptWarmup + keptSampling) * d)
            statistics.reserveCapacity(keptWarmup + keptSampling)
        }

        var cancelled = false
        let total = config.warmup + config.draws
        func elapsed() -> Double { seconds(phaseStart.duration(to: clock.now)) }
        func snapshot(complete: Bool) -> ChainState {
            let inWarmup = completed < config.warmup
            var s = ChainState(
                chainID: chainID, dimension: d, iteration: completed, random: nuts.rng.position,
                stepSize: nuts.stepSize,
                position: (0..<d).map { nuts.current.q[$0] }, gradient: (0..<d).map { nuts.current.g[$0] },
                logDensity: nuts.current.logDensity, kinetic: nuts.current.kinetic, denseMetric: false,
                inverseDiagonal: [],
                covariance: [], cholesky: [], dualAveraging: dualAveraging.state, welfordCount: 0, welfordMean: [],
                welfordM2: [],
                windowDraws: [], windowCount: 0, warmupDivergences: warmupDivergences, divergences: divergences,
                maxDepthHits: maxDepthHits, samplingGradientEvaluations: samplingGradients,
                gradientEvaluations: hamiltonian.gradientEvaluations, keptWarmupRows: keptWarmupRows,
                keptRows: keptRows,
                warmupSeconds: warmupSecondsBefore + (inWarmup ? elapsed() : 0),
                samplingSeconds: samplingSecondsBefore + (inWarmup ? 0 : elapsed()),
                warnings: warnings, isComplete: complete)
            metric.save(into: &s)
            adaptation.save(into: &s)
            return s
        }
        if config.warmup == 0 && completed == 0 {
            try observer?.chainFinishedWarmup(stepSize: nuts.stepSize, inverseMetric: metric.inverseMetric)
        }

        for iteration in completed..<total {
            if cancellation?.isCancelled ?? false {
                cancelled = true
                break
            }
            let isWarmup = iteration < config.warmup
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
                if keepsDraws {
                    positions.append(contentsOf: UnsafeBufferPointer(start: nuts.current.q, count: d))
                    statistics.append(stats)
                }
                keptRows += 1
                if isWarmup { keptWarmupRows += 1 }
                try observer?.chainKept(
                    position: UnsafeBufferPointer(start: nuts.current.q, count: d), statistics: stats,
                    isWarmup: isWarmup)
            }

            // Adaptation.
            if isWarmup {
                nuts.stepSize = dualAveraging.update(acceptStat: stats.acceptStat)
                if schedule.window(containing: iteration) != nil {
                    adaptation.add(nuts.current.q)
                }
                if let w = schedule.windowEnding(at: iteration) {
                    let range = schedule.windows[w]
                    let context =
                        "chain \(chainID), metric window \(w + 1) of \(schedule.windows.count) "
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
            if completed == config.warmup {
                warmupSecondsBefore += elapsed()
                phaseStart = clock.now
                try observer?.chainFinishedWarmup(stepSize: nuts.stepSize, inverseMetric: metric.inverseMetric)
            }
            progress?(
                ChainProgress(
                    chainID: chainID, phase: isWarmup ? .warmup : .sampling, iteration: completed,
                    warmupIterations: config.warmup, samplingIterations: config.draws,
                    warmupDivergences: warmupDivergences, samplingDivergences: divergences,
                    stepSize: stats.stepSize))
            if completed < total, let observer, observer.chainWantsCheckpoint() {
                try observer.chainCheckpoint(snapshot(complete: false))
            }
        }
        // The state a resume continues from: without the note about this run's cancellation.
        let final = snapshot(complete: !cancelled)
        try observer?.chainEnded(final)
        if cancelled {
            warnings.append("chain \(chainID): cancelled after \(completed) of \(total) iterations")
        }

        return ChainResult(
            chainID: chainID, dimension: d, positions: positions, statistics: statistics,
            warmupDrawCount: keptWarmupRows, stepSize: nuts.stepSize, inverseMetric: metric.inverseMetric,
            warmupSeconds: final.warmupSeconds, samplingSeconds: final.samplingSeconds,
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
