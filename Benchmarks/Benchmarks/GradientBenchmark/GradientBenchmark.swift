import Benchmark
import RLModels

/// One log density + gradient evaluation of the hierarchical bandit2arm_delta model on a
/// simulated 100-subject × 200-trial study (the figure `rlfit bench gradient` prints). Reports
/// wall clock per evaluation, its cost per subject-trial (picoseconds), and mallocs (must be 0: the scan
/// allocates nothing).
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration.maxDuration = .seconds(5)
    Benchmark.defaultConfiguration.maxIterations = 20_000

    for (subjects, trials) in [(100, 200), (20, 200)] {
        let model = ModelCatalog.bandit2armDelta
        let study = StudySimulator.simulate(model: model, subjects: subjects, trials: trials, seed: 1)
        let posterior = HierarchicalPosterior(model: model, batch: study.batch)
        let x = (0..<posterior.dimension).map { Double($0 % 11) / 5 - 1 }
        var gradient = [Double](repeating: 0, count: posterior.dimension)
        let perEvaluation = BenchmarkMetric.custom("ps per subject-trial", polarity: .prefersSmaller, useScalingFactor: false)

        Benchmark(
            "gradient S\(subjects)xT\(trials)",
            configuration: .init(metrics: [.wallClock, .mallocCountTotal, perEvaluation])
        ) { benchmark in
            x.withUnsafeBufferPointer { xp in
                gradient.withUnsafeMutableBufferPointer { gp in
                    let start = BenchmarkClock.now
                    for _ in benchmark.scaledIterations {
                        blackHole(posterior.logDensity(xp, gradient: gp))
                    }
                    let elapsed = BenchmarkClock.now - start
                    let nanoseconds = Double(elapsed.components.attoseconds) / 1e9 + Double(elapsed.components.seconds) * 1e9
                    benchmark.measurement(perEvaluation, Int(1000 * nanoseconds / Double(subjects * trials * benchmark.scaledIterations.count)))
                }
            }
        }
    }
}
