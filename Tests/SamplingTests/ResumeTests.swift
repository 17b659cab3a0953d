import Foundation
import Randomness
import Testing
@testable import Sampling

/// A chain continued from any checkpoint draws exactly what the uninterrupted chain draws:
/// same rows bit for bit, same step size and metric, same counts.
struct ResumeTests {
    /// Collects rows and every checkpoint.
    final class Recorder: ChainObserver {
        var rows: [[Double]] = []
        var warmupEnd: (Double, InverseMetric)?
        var states: [ChainState] = []
        let every: Bool
        init(checkpointEveryIteration: Bool) { every = checkpointEveryIteration }
        func chainKept(position: UnsafeBufferPointer<Double>, statistics: SamplerStatistics, isWarmup: Bool) throws {
            rows.append(Array(position) + statistics.columnValues + [isWarmup ? 1 : 0])
        }
        func chainFinishedWarmup(stepSize: Double, inverseMetric: InverseMetric) throws {
            warmupEnd = (stepSize, inverseMetric)
        }
        func chainWantsCheckpoint() -> Bool { every }
        func chainCheckpoint(_ state: ChainState) throws { states.append(state) }
        func chainEnded(_ state: ChainState) throws { states.append(state) }
    }

    @Test(arguments: [
        (MetricKind.dense, CovarianceEstimator.stan, false), (.dense, .shrinkage, true), (.diag, .stan, false)
    ])
    func resumedChainsMatchTheUninterruptedChain(metric: MetricKind, estimator: CovarianceEstimator, saveWarmup: Bool)
        throws
    {
        let config = SamplerConfiguration(
            warmup: 150, draws: 60, metric: metric, covarianceEstimator: estimator, seed: 5,
            thin: 2, saveWarmup: saveWarmup)
        let sampler = Sampler(configuration: config)
        let density = AR1Gaussian(dimension: 4, rho: 0.8, spreadScales: true)
        let full = Recorder(checkpointEveryIteration: true)
        let uninterrupted = try sampler.runChain(chainID: 3, density: density, observer: full)
        #expect(full.states.count == 210) // after iterations 1…209, and the final state
        #expect(full.states.last!.isComplete)
        // Checkpoints in the first window, at a window's end, at the end of warmup, in sampling.
        for k in [0, 1, 37, 99, 124, 149, 150, 151, 200] {
            let state = try ChainStateCoding.decode(ChainStateCoding.encode(full.states[k]))
            #expect(state == full.states[k])
            let rest = Recorder(checkpointEveryIteration: false)
            let resumed = try sampler.runChain(chainID: 3, density: density, observer: rest, resumingFrom: state)
            let before = full.states[k].keptRows
            #expect(rest.rows == Array(full.rows[before...]), "resumed after iteration \(k + 1)")
            #expect(resumed.positions == Array(uninterrupted.positions[(before * 4)...]))
            #expect(resumed.stepSize == uninterrupted.stepSize && resumed.inverseMetric == uninterrupted.inverseMetric)
            #expect(
                resumed.divergences == uninterrupted.divergences
                    && resumed.gradientEvaluations == uninterrupted.gradientEvaluations)
            #expect(resumed.samplingGradientEvaluations == uninterrupted.samplingGradientEvaluations)
            #expect(resumed.warnings == uninterrupted.warnings && resumed.isComplete)
            #expect((rest.warmupEnd != nil) == (k < 149), "the end of warmup is announced once")
            var last = rest.states.last!
            var reference = full.states.last!
            (last.warmupSeconds, last.samplingSeconds, reference.warmupSeconds, reference.samplingSeconds) = (
                0, 0, 0, 0
            )
            #expect(last == reference)
        }
    }

    /// A chain cancelled (Ctrl-C, SIGTERM) and resumed from the state it ended with finishes as
    /// the uninterrupted chain, without the cancelled run's note among its warnings.
    @Test func aCancelledChainResumesFromTheStateItEndedWith() throws {
        let sampler = Sampler(configuration: SamplerConfiguration(warmup: 100, draws: 50, seed: 9))
        let density = AR1Gaussian(dimension: 3, rho: 0.6, spreadScales: true)
        let full = Recorder(checkpointEveryIteration: false)
        let uninterrupted = try sampler.runChain(chainID: 2, density: density, observer: full)
        let token = CancellationToken()
        let first = Recorder(checkpointEveryIteration: false)
        let cancelled = try sampler.runChain(
            chainID: 2, density: density, progress: { p in if p.iteration == 120 { token.cancel() } },
            cancellation: token, observer: first)
        #expect(!cancelled.isComplete && cancelled.warnings.last!.contains("cancelled after 120 of 150"))
        let ended = first.states.last!
        #expect(!ended.isComplete && ended.iteration == 120 && ended.warnings == uninterrupted.warnings)
        let rest = Recorder(checkpointEveryIteration: false)
        let resumed = try sampler.runChain(chainID: 2, density: density, observer: rest, resumingFrom: ended)
        #expect(first.rows + rest.rows == full.rows)
        #expect(resumed.isComplete && resumed.warnings == uninterrupted.warnings)
    }

    @Test func aDamagedCheckpointIsRefused() throws {
        let sampler = Sampler(configuration: SamplerConfiguration(warmup: 20, draws: 10, seed: 1))
        let recorder = Recorder(checkpointEveryIteration: false)
        _ = try sampler.runChain(
            chainID: 1, density: AR1Gaussian(dimension: 2, rho: 0.5, spreadScales: false), observer: recorder)
        let bytes = ChainStateCoding.encode(recorder.states[0])
        #expect(throws: ChainStateCoding.Malformed.self) { try ChainStateCoding.decode(Array(bytes.dropLast(3))) }
        #expect(throws: ChainStateCoding.Malformed.self) { try ChainStateCoding.decode(bytes + [0]) }
        #expect(throws: ChainStateCoding.Malformed.self) {
            try ChainStateCoding.decode(Array("not a checkpoint at all".utf8))
        }
    }
}
