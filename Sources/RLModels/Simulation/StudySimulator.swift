import Foundation
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
            sigma: model.parameters.map { $0.transform == .identity ? 0.5 : 0.35 })
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
}

/// Simulates a study from a model: subjects drawn from the group values, choices from the
/// model's softmax policy, outcomes from the task. Deterministic in the seed: the subjects'
/// parameters come from Philox stream 0 and subject s's trials from stream s + 1, so a study
/// with more subjects extends one with fewer.
public enum StudySimulator {
    public static func simulate(
        model: ModelDefinition, subjects: Int, trials: Int, blocks: Int = 1, missingProbability: Double = 0,
        seed: UInt64, group: GroupValues? = nil, options: Int? = nil, task: BanditTask? = nil
    ) -> SimulatedStudy {
        precondition(subjects >= 1 && trials >= 1 && blocks >= 1 && blocks <= trials)
        precondition(missingProbability >= 0 && missingProbability < 1)
        let group = group ?? GroupValues.defaults(for: model)
        let P = model.parameters.count, S = subjects, T = trials
        let K = model.data.optionCount ?? options ?? 2
        let task = task ?? BanditTask.standard(for: model, options: K)
        precondition(task.rewardProbabilities.count == K, "the task lists \(task.rewardProbabilities.count) options, the study has \(K)")

        var parameterStream = Philox(seed: seed, stream: 0)
        var z = [Double](repeating: 0, count: P * S)
        var theta = [Double](repeating: 0, count: P * S)
        for s in 0..<S {
            for p in 0..<P {
                z[p * S + s] = parameterStream.nextNormal()
                theta[p * S + s] = model.parameters[p].constrain(group.mu[p] + group.sigma[p] * z[p * S + s]).value
            }
        }
        // Block b (0-based) covers trials [start(b), start(b+1)): lengths differ by at most one.
        let blockStartIndex = (0...blocks).map { $0 * T / blocks }

        var choice = [Int32](repeating: -1, count: T * S)
        var outcome = [Double](repeating: 0, count: T * S)
        var gainColumn = [Double](repeating: 0, count: T * S), lossColumn = gainColumn
        var blockStart = [Bool](repeating: false, count: T * S)
        var blockNumber = [Int](repeating: 0, count: T * S)
        let rule = model.rule
        for s in 0..<S {
            var rng = Philox(seed: seed, stream: UInt64(s) + 1)
            let subjectTheta = (0..<P).map { theta[$0 * S + s] }
            var q = [Double](repeating: 0, count: K)
            var previous = -1
            for b in 0..<blocks {
                let start = blockStartIndex[b], length = blockStartIndex[b + 1] - start
                var taskState = BanditTaskState(task: task, blockLength: length, rng: &rng)
                for i in 0..<length {
                    let t = start + i
                    let slot = t * S + s
                    if i == 0 { q = [Double](repeating: 0, count: K); previous = -1; blockStart[slot] = true }
                    blockNumber[slot] = b + 1
                    // Both draws are always made, so the stream stays aligned whether or not
                    // the trial is missed.
                    let missed = rng.nextUniform() < missingProbability
                    let c = rng.nextCategorical(rule.choiceProbabilities(q: q, theta: subjectTheta, previous: previous))
                    let rewarded = rng.nextUniform() < taskState.rewardProbability(arm: c, trialInBlock: i)
                    if missed { continue }
                    taskState.record(choice: c, rng: &rng)
                    let r: Double = rewarded ? 1 : -1
                    choice[slot] = Int32(c)
                    outcome[slot] = r
                    gainColumn[slot] = rewarded ? 1 : 0
                    lossColumn[slot] = rewarded ? 0 : -1
                    rule.update(q: &q, chosen: c, reward: r, theta: subjectTheta)
                    previous = c
                }
            }
        }
        var columns: [String: [Double]] = [:]
        switch model.reward {
        case let .column(name), let .signOf(name): columns[name] = outcome
        case let .gainMinusLoss(gain, loss): columns[gain] = gainColumn; columns[loss] = lossColumn
        }
        let batch = TrialBatch(
            subjectIDs: (1...S).map(String.init), trialCount: T, optionCount: K, choice: choice,
            columns: columns, blockStart: blockStart, trialsPerSubject: [Int](repeating: T, count: S))
        return SimulatedStudy(batch: batch, blockNumber: blockNumber, group: group, z: z, theta: theta)
    }
}
