import Benchmark
import Foundation
import HandWrittenScan
import ModelLanguage
import RLModels

/// One log density + gradient of the hierarchical model on simulated 100-subject × 200-trial
/// (and 20 × 200) studies, side by side in one run:
/// - bandit2arm_delta written in the model language (models/bandit2arm_delta.rlm on the lane
///   machine) — what every fit runs;
/// - the same model on the hand-written scan the language replaced (frozen in HandWrittenScan):
///   the language must cost at most 1.5× this per gradient;
/// - a K = 4 model with five parameters (the built-in bandit4arm_lapse: reward and punishment
///   values, fictive decay, lapse): issue 10 asks for at most 3× bandit2arm_delta's cost per
///   subject-trial.
/// Reports wall clock per evaluation, picoseconds per subject-trial, mallocs (0: the machine
/// allocates nothing per gradient) and the tape's memory per gradient (bytes).
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration.maxDuration = .seconds(5)
    Benchmark.defaultConfiguration.maxIterations = 20_000
    let perSubjectTrial = BenchmarkMetric.custom(
        "ps per subject-trial", polarity: .prefersSmaller, useScalingFactor: false)
    let tapeBytes = BenchmarkMetric.custom("tape bytes", polarity: .prefersSmaller, useScalingFactor: false)
    let fourArm = ModelCatalog.model(named: "bandit4arm_lapse")!

    func register(
        _ name: String, subjects: Int, trials: Int, model: ModelDefinition, batch: TrialBatch, handWritten: Bool
    ) {
        let likelihood: SubjectLikelihood =
            handWritten
            ? HandWrittenModels.likelihood(model.name, batch: batch, parameterCount: model.parameters.count)
            : model.makeLikelihood(batch)
        let S = batch.laneCount, P = model.parameters.count
        let theta = (0..<(P * S)).map { model.parameters[$0 / S].constrain(Double($0 % 11) / 5 - 1).value }
        var ll = [Double](repeating: 0, count: S), gradient = [Double](repeating: 0, count: P * S)
        let tape = handWritten ? 0 : try! model.machine(for: batch, purpose: .gradient).0.tapeBytes
        Benchmark(
            "gradient S\(subjects)xT\(trials) \(name)",
            configuration: .init(metrics: [.wallClock, .mallocCountTotal, perSubjectTrial, tapeBytes])
        ) { benchmark in
            let start = BenchmarkClock.now
            for _ in benchmark.scaledIterations {
                blackHole(likelihood.evaluate(theta: theta, subjectLogLikelihood: &ll, gradient: &gradient))
            }
            let elapsed = BenchmarkClock.now - start
            let nanoseconds = Double(elapsed.components.attoseconds) / 1e9 + Double(elapsed.components.seconds) * 1e9
            benchmark.measurement(
                perSubjectTrial, Int(1000 * nanoseconds / Double(subjects * trials * benchmark.scaledIterations.count)))
            benchmark.measurement(tapeBytes, tape)
        }
    }

    for (subjects, trials) in [(100, 200), (20, 200)] {
        let bandit = ModelCatalog.bandit2armDelta
        let study = try! StudySimulator.simulate(model: bandit, subjects: subjects, trials: trials, seed: 1)
        register(
            "bandit2arm_delta language", subjects: subjects, trials: trials, model: bandit, batch: study.batch,
            handWritten: false)
        register(
            "bandit2arm_delta hand-written", subjects: subjects, trials: trials, model: bandit, batch: study.batch,
            handWritten: true)
        let four = try! StudySimulator.simulate(
            model: ModelCatalog.banditNarmDelta, subjects: subjects, trials: trials, seed: 1, options: 4)
        register(
            "bandit4arm_lapse (K=4, 5 parameters) language", subjects: subjects, trials: trials, model: fourArm,
            batch: four.batch, handWritten: false)
    }
}
