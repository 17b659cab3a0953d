import Foundation
import RLModels
import Randomness

/// Times one log density + gradient evaluation of the hierarchical model on a simulated study,
/// the figure `rlfit bench gradient` and `Benchmarks/` report (nanoseconds per subject-trial,
/// median over repeats); `compare` times two models in turn, sample by sample, for their ratio.
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

    /// Two models timed in turn (a sample of one, then of the other, `repeats` times), so a
    /// machine whose speed drifts during the run slows both alike: each model's result, and
    /// the median over pairs of samples of the ratio of their costs per subject-trial
    /// (`model` over `baseline`).
    public struct Comparison: Sendable {
        public let model: Result
        public let baseline: Result
        public let medianRatio: Double
    }

    /// A prepared evaluation: the posterior at a fixed point, caches warm.
    private struct Timed {
        let sample: () -> Double
        let tapeBytes: Int
        let machineBytes: Int
        let subjectTrials: Int
    }

    /// Each sample times a few evaluations, so the clock's resolution does not matter.
    private static let evaluationsPerSample = 5

    private func prepare() throws -> Timed {
        let study = try StudySimulator.simulate(model: model, subjects: subjects, trials: trials, seed: seed)
        let posterior = HierarchicalPosterior(model: model, batch: study.batch)
        // The likelihood a fit runs (lane blocks on one tape), for its memory.
        let likelihood = model.makeLikelihood(study.batch) as! LaneLikelihood
        var rng = Philox(seed: seed, stream: 99)
        let x = (0..<posterior.dimension).map { _ in rng.nextUniform(-1, 1) }
        var gradient = [Double](repeating: 0, count: posterior.dimension)
        let sample = {
            x.withUnsafeBufferPointer { xp in
                gradient.withUnsafeMutableBufferPointer { gp in
                    // One untimed evaluation brings this model's memory back into the cache
                    // (`compare` runs another model in between).
                    _ = posterior.logDensity(xp, gradient: gp)
                    let start = DispatchTime.now().uptimeNanoseconds
                    for _ in 0..<Self.evaluationsPerSample { _ = posterior.logDensity(xp, gradient: gp) }
                    return Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
                        / Double(Self.evaluationsPerSample)
                }
            }
        }
        return Timed(
            sample: sample, tapeBytes: likelihood.tape.bytes, machineBytes: likelihood.memoryBytes,
            subjectTrials: subjects * trials)
    }

    private static func result(_ times: [Double], _ timed: Timed) -> Result {
        let sorted = times.sorted()
        let median = sorted[sorted.count / 2]
        return Result(
            medianSeconds: median, minimumSeconds: sorted[0],
            nanosecondsPerSubjectTrial: median * 1e9 / Double(timed.subjectTrials),
            tapeBytes: timed.tapeBytes, machineBytes: timed.machineBytes)
    }

    public func run() throws -> Result {
        let timed = try prepare()
        return Self.result((0..<repeats).map { _ in timed.sample() }, timed)
    }

    /// This benchmark's model against `baseline` (same subjects, trials and seed), in turn.
    public func compare(baseline: ModelDefinition) throws -> Comparison {
        let timed = try prepare()
        let base = try GradientBenchmark(
            model: baseline, subjects: subjects, trials: trials, repeats: repeats, seed: seed
        ).prepare()
        var times: [Double] = [], baseTimes: [Double] = [], ratios: [Double] = []
        for _ in 0..<repeats {
            let t = timed.sample(), b = base.sample()
            times.append(t)
            baseTimes.append(b)
            ratios.append((t / Double(timed.subjectTrials)) / (b / Double(base.subjectTrials)))
        }
        ratios.sort()
        return Comparison(
            model: Self.result(times, timed), baseline: Self.result(baseTimes, base),
            medianRatio: ratios[ratios.count / 2])
    }
}
