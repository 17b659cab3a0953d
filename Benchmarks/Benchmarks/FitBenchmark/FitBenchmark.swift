import Benchmark
import Diagnostics
import Foundation
import RLFit
import RLModels
import Sampling

/// End to end: the 100-subject × 200-trial bandit2arm_delta study (simulated like the bench
/// study), 4 chains × (1000 warmup + 1000 draws) on the machine's cores, as `rlfit fit` runs
/// them. Reports wall time, the minimum bulk ESS over the group and subject parameters, and
/// ESS per second (the figure compared with BlackJAX, NumPyro, nutpie and Stan).
let benchmarks: @Sendable () -> Void = {
    let model = ModelCatalog.bandit2armDelta
    let study = try! StudySimulator.simulate(model: model, subjects: 100, trials: 200, seed: 20240101)
    let batch = study.batch
    let essPerSecond = BenchmarkMetric.custom(
        "min bulk ESS per second", polarity: .prefersLarger, useScalingFactor: false)
    let minESS = BenchmarkMetric.custom("min bulk ESS", polarity: .prefersLarger, useScalingFactor: false)

    Benchmark(
        "fit S100xT200 4x(1000+1000)",
        configuration: .init(metrics: [.wallClock, essPerSecond, minESS], maxDuration: .seconds(120), maxIterations: 3)
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            let start = ProcessInfo.processInfo.systemUptime
            let sampler = Sampler(configuration: SamplerConfiguration(covarianceEstimator: .shrinkage, seed: 1))
            let results = try! sampler.runChains(
                chainIDs: [1, 2, 3, 4], threads: ProcessInfo.processInfo.activeProcessorCount
            ) { _ in
                PosteriorDensity(posterior: HierarchicalPosterior(model: model, batch: batch))
            }
            let seconds = ProcessInfo.processInfo.systemUptime - start
            let posterior = HierarchicalPosterior(model: model, batch: batch)
            let d = posterior.dimension
            // Bulk ESS of every unconstrained coordinate (mu_pr, log sigma, A_pr, tau_pr).
            var lowest = Double.infinity
            for j in 0..<d {
                let chains = results.map { $0.samplingDraws(parameter: j) }
                lowest = min(lowest, Convergence.essBulk(chains))
            }
            benchmark.measurement(minESS, Int(lowest))
            benchmark.measurement(essPerSecond, Int(lowest / seconds))
        }
    }
}
