import Foundation
import RLModels
import Sampling

/// Fits a simulated study the way `rlfit recover` and `rlfit sbc` both need it: NUTS on the
/// hierarchical posterior (dense metric with shrinkage, as `rlfit fit`), chains in parallel,
/// and every kept draw returned on the unconstrained scale with a posterior to map it.
enum SimulatedStudyFit {
    static func keptDraws(
        model: ModelDefinition, batch: TrialBatch, warmup: Int, draws: Int, chains: Int,
        seed: UInt64, threads: Int
    ) throws -> (posterior: HierarchicalPosterior, draws: [[Double]]) {
        let sampler = Sampler(
            configuration: SamplerConfiguration(
                warmup: warmup, draws: draws, covarianceEstimator: .shrinkage, seed: seed))
        let results = try sampler.runChains(chainIDs: Array(1...chains), threads: threads) { _ in
            PosteriorDensity(posterior: HierarchicalPosterior(model: model, batch: batch))
        }
        var kept: [[Double]] = []
        for result in results {
            for d in result.warmupDrawCount..<result.drawCount { kept.append(Array(result.position(d))) }
        }
        return (HierarchicalPosterior(model: model, batch: batch), kept)
    }
}
