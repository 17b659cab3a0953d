import Foundation
import ModelLanguage
import Randomness

/// Group-level values a simulation draws subjects from, on hBayesDM's scales: subject s gets
/// θₛₚ = constrain(μₚ + σₚ·zₛₚ), zₛₚ ~ N(0, 1).
public struct GroupValues: Sendable, Equatable {
    public var mu: [Double]
    public var sigma: [Double]

    public init(mu: [Double], sigma: [Double]) {
        self.mu = mu
        self.sigma = sigma
    }

    /// Each parameter's `typicalValue` as the group median, σ = 0.35 on the Φ≈ scale of a
    /// bounded parameter and 0.5 for an unbounded one. For `bandit2arm_delta` these are the
    /// bundled and benchmark studies' values: median A = 0.3, τ = 2.5, σ = 0.35.
    public static func defaults(for model: ModelDefinition) -> GroupValues {
        GroupValues(
            mu: model.parameters.map { $0.unconstrain($0.typicalValue) },
            sigma: model.parameters.map { $0.transform == .identity || $0.transform == .exponential ? 0.5 : 0.35 })
    }
}

/// A simulated study: the batch (as the reader would return it) and the truth.
public struct SimulatedStudy: Sendable {
    public let batch: TrialBatch
    /// Block number (1-based) of each slot, T·S time-major (0 for padding).
    public let blockNumber: [Int]
    public let group: GroupValues
    /// Per-subject unconstrained deviations z (P·S, parameter-major).
    public let z: [Double]
    /// Per-subject natural-scale parameters (P·S, parameter-major).
    public let theta: [Double]
    /// The task it was simulated on, in words.
    public let taskDescription: String
}

/// Why a model cannot be simulated on the bandit task.
public struct SimulationError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public var description: String { message }
}

/// Simulates a study from a model on its reference task: subjects drawn from the group
/// values, each trial's responses drawn from the model's own probabilities (the lane machine
/// runs the model file forward and draws at each observation), the task's answers written
/// before the model reads them. Deterministic in the seed: the subjects' parameters come from
/// Philox stream 0 and subject s's trials from stream s + 1 (per trial, in a fixed order that
/// each task documents, every draw made whether or not the trial is missed), so a study with
/// more subjects extends one with fewer.
///
/// The tasks (`SimulatedTask`): the K-armed bandit (`BanditTask`, also probabilistic reversal
/// learning), go/no-go (`GoNoGoTask`), probabilistic selection (`ProbabilisticSelectionTask`),
/// the two-step task (`TwoStepTask`), aversive learning (`AversiveLearningTask`), the
/// ultimatum game (`UltimatumTask`), the balloon analogue risk task (`BalloonTask`), the
/// restless bandit (`RestlessBanditTask`) and the Iowa gambling task (`IowaGamblingTask`); each says
/// which columns it produces and which responses it answers.
public enum StudySimulator {
    /// The task `model` is simulated on: its file's task; for the bandit tasks, `bandit` when
    /// given, else the reference design with `options` arms where the model takes K from the
    /// data (default 2).
    public static func task(for model: ModelDefinition, bandit: BanditTask? = nil, options: Int? = nil)
        -> any SimulatedTask
    {
        switch model.task {
        case .goNoGo: return GoNoGoTask()
        case .probabilisticSelection: return ProbabilisticSelectionTask()
        case .aversiveLearning: return AversiveLearningTask()
        case .ultimatum: return UltimatumTask()
        case .balloon: return BalloonTask()
        case .restlessBandit: return RestlessBanditTask(arms: model.optionCount ?? options ?? 4)
        case .iowaGambling: return IowaGamblingTask()
        case .probabilisticSelectionRT: return ProbabilisticSelectionRTTask()
        case .binaryInputs: return BinaryInputTask()
        case .cardSorting: return CardSortingTask()
        case .twoStep:
            return TwoStepTask(commonTransition: model.argument("trans_prob") ?? TwoStepTask.standardCommonTransition)
        case .bandit, .probabilisticReversal:
            return bandit ?? BanditTask.standard(for: model, options: model.optionCount ?? options ?? 2)
        }
    }

    /// Whether `model` can be simulated on its task; the reason when not.
    public static func check(_ model: ModelDefinition) throws {
        try task(for: model).check(model)
    }

    public static func simulate(
        model: ModelDefinition, subjects: Int, trials: Int, blocks: Int = 1, missingProbability: Double = 0,
        seed: UInt64, group: GroupValues? = nil, options: Int? = nil, task bandit: BanditTask? = nil
    ) throws -> SimulatedStudy {
        precondition(subjects >= 1 && trials >= 1 && blocks >= 1 && blocks <= trials)
        precondition(missingProbability >= 0 && missingProbability < 1)
        let task = task(for: model, bandit: bandit, options: options)
        try task.check(model)
        let group = group ?? GroupValues.defaults(for: model)
        let (z, theta) = drawSubjects(model: model, group: group, subjects: subjects, seed: seed)
        let run = SimulationRun(
            model: model, subjects: subjects, trials: trials,
            layout: BlockLayout(trials: trials, subjects: subjects, blocks: blocks),
            missingProbability: missingProbability, seed: seed, group: group, z: z, theta: theta)
        return try task.simulate(run)
    }

    /// Subjects' deviations z ~ N(0, zScale²) and natural-scale parameters θ (P·S,
    /// parameter-major) from Philox stream 0.
    static func drawSubjects(model: ModelDefinition, group: GroupValues, subjects S: Int, seed: UInt64) -> (
        [Double], [Double]
    ) {
        let P = model.parameters.count
        var parameterStream = Philox(seed: seed, stream: 0)
        var z = [Double](repeating: 0, count: P * S)
        var theta = [Double](repeating: 0, count: P * S)
        for s in 0..<S {
            for p in 0..<P {
                z[p * S + s] = model.parameters[p].zScale * parameterStream.nextNormal()
                theta[p * S + s] = model.parameters[p].constrain(group.mu[p] + group.sigma[p] * z[p * S + s]).value
            }
        }
        return (z, theta)
    }

    /// Block b (0-based) covers trials [startIndex[b], startIndex[b+1]): lengths differ by at
    /// most one; every subject has the same blocks.
    struct BlockLayout {
        let startIndex: [Int]
        /// Per slot (T·S, time-major): whether a block starts there, and its block number (1-based).
        let blockStart: [Bool]
        let blockNumber: [Int]
        /// Per trial: its block (0-based).
        let blockOfTrial: [Int]

        init(trials T: Int, subjects S: Int, blocks: Int) {
            let startIndex = (0...blocks).map { $0 * T / blocks }
            var blockStart = [Bool](repeating: false, count: T * S)
            var blockNumber = [Int](repeating: 0, count: T * S)
            var blockOfTrial = [Int](repeating: 0, count: T)
            for b in 0..<blocks {
                for t in startIndex[b]..<startIndex[b + 1] {
                    blockOfTrial[t] = b
                    for s in 0..<S { blockNumber[t * S + s] = b + 1; blockStart[t * S + s] = t == startIndex[b] }
                }
            }
            self.startIndex = startIndex
            self.blockStart = blockStart
            self.blockNumber = blockNumber
            self.blockOfTrial = blockOfTrial
        }
    }
}
