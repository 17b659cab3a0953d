import Foundation
import RLModels
import Randomness

/// Times one log density + gradient evaluation of the hierarchical model on a simulated study,
/// the figure `rlfit bench gradient` and `Benchmarks/` report (nanoseconds per subject-trial,
/// median over repeats).
public struct GradientBenchmark: Sendable {
    public let model: ModelDefinition
    public let subjects: Int
    public let trials: Int
    public let repeats: Int
    public let seed: UInt64

    public init(model: ModelDefinition, subjects: Int, trials: Int, repeats: Int = 200, seed: UInt64 = 1) {
        self.model = model
        self.subjects = subjects
        self.trials = trials
        self.repeats = repeats
        self.seed = seed
    }

    public struct Result: Sendable {
        public let medianSeconds: Double
        public let minimumSeconds: Double
        public let nanosecondsPerSubjectTrial: Double
        /// The likelihood's tape (values kept per trial for the backward pass: one lane block's)
        /// and all its machines' memory, in bytes: allocated once per chain, reused by every
        /// gradient.
        public let tapeBytes: Int
        public let machineBytes: Int
    }

    public func run() throws -> Result {
        let study = try StudySimulator.simulate(model: model, subjects: subjects, trials: trials, seed: seed)
        let posterior = HierarchicalPosterior(model: model, batch: study.batch)
        // The likelihood a fit runs (lane blocks on one tape), for its memory.
        let likelihood = model.makeLikelihood(study.batch) as! LaneLikelihood
        var rng = Philox(seed: seed, stream: 99)
        let x = (0..<posterior.dimension).map { _ in rng.nextUniform(-1, 1) }
        var gradient = [Double](repeating: 0, count: posterior.dimension)
        var times: [Double] = []
        x.withUnsafeBufferPointer { xp in
            gradient.withUnsafeMutableBufferPointer { gp in
                for _ in 0..<max(3, repeats / 10) { _ = posterior.logDensity(xp, gradient: gp) } // warm caches
                // Each sample times a few evaluations, so the clock's resolution does not matter.
                let inner = 5
                for _ in 0..<repeats {
                    let start = DispatchTime.now().uptimeNanoseconds
                    for _ in 0..<inner { _ = posterior.logDensity(xp, gradient: gp) }
                    times.append(Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9 / Double(inner))
                }
            }
        }
        times.sort()
        let median = times[times.count / 2]
        return Result(
            medianSeconds: median, minimumSeconds: times[0],
            nanosecondsPerSubjectTrial: median * 1e9 / Double(subjects * trials),
            tapeBytes: likelihood.tape.bytes, machineBytes: likelihood.memoryBytes)
    }
}
