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
}

/// Why a model cannot be simulated on the bandit task.
public struct SimulationError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public var description: String { message }
}

/// Simulates a study from a model on its reference task: subjects drawn from the group
/// values, each trial's choice drawn from the model's own probabilities (the lane machine runs
/// the model file forward and draws at each observation), outcomes from the task.
/// Deterministic in the seed: the subjects' parameters come from Philox stream 0 and subject
/// s's trials from stream s + 1 (per trial: whether it is missed, the choice, the reward, in
/// that order), so a study with more subjects extends one with fewer.
///
/// The bandit task answers an observed `option` column (the choice) with `outcome` = ±1,
/// `gain` = 1 or 0 and `loss` = 0 or −1; a model that reads other columns, or observes more
/// than one, needs a task of its own.
public enum StudySimulator {
    /// The columns the bandit task produces.
    public static let taskColumns: Set<String> = ["outcome", "gain", "loss"]

    /// Whether `model` can be simulated on the bandit task; the reason when not.
    public static func check(_ model: ModelDefinition) throws {
        let observed = model.file.data.filter(\.observed)
        guard observed.count == 1, observed[0].kind == .option else {
            throw SimulationError(message: "\(model.name) observes \(observed.map(\.name).joined(separator: " and ")); the simulated bandit task produces one choice among options per trial, so it cannot simulate this model")
        }
        for c in model.file.data where !c.observed && !taskColumns.contains(c.name) {
            throw SimulationError(message: "\(model.name) reads data column '\(c.name)', which the simulated bandit task does not produce (it produces \(taskColumns.sorted().joined(separator: ", ")) after each choice)")
        }
    }

    public static func simulate(
        model: ModelDefinition, subjects: Int, trials: Int, blocks: Int = 1, missingProbability: Double = 0,
        seed: UInt64, group: GroupValues? = nil, options: Int? = nil, task: BanditTask? = nil
    ) throws -> SimulatedStudy {
        precondition(subjects >= 1 && trials >= 1 && blocks >= 1 && blocks <= trials)
        precondition(missingProbability >= 0 && missingProbability < 1)
        try check(model)
        let group = group ?? GroupValues.defaults(for: model)
        let P = model.parameters.count, S = subjects, T = trials
        let K = model.optionCount ?? options ?? 2
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
        var blockStart = [Bool](repeating: false, count: T * S)
        var blockNumber = [Int](repeating: 0, count: T * S)
        var blockOfTrial = [Int](repeating: 0, count: T)
        for b in 0..<blocks {
            for t in blockStartIndex[b]..<blockStartIndex[b + 1] {
                blockOfTrial[t] = b
                for s in 0..<S { blockNumber[t * S + s] = b + 1; blockStart[t * S + s] = t == blockStartIndex[b] }
            }
        }
        let choiceName = model.file.data.first(where: \.observed)!.name
        let empty = [Double](repeating: 0, count: T * S)
        var columns: [String: [Double]] = [choiceName: empty]
        for c in model.file.data where !c.observed { columns[c.name] = empty }
        let skeleton = TrialBatch(subjectIDs: (1...S).map(String.init), trialCount: T, optionCount: K,
                                  answered: [Bool](repeating: true, count: T * S), columns: columns, choiceColumn: choiceName,
                                  blockStart: blockStart, trialsPerSubject: [Int](repeating: T, count: S))
        let (machine, _) = try model.machine(for: skeleton, purpose: .simulation)
        let planes = machine.code.dataPlanes
        func plane(_ name: String) -> Int? { model.file.dataIndex(name).flatMap { planes[$0] } }
        let outcomePlane = plane("outcome"), gainPlane = plane("gain"), lossPlane = plane("loss")

        var rngs = (0..<S).map { Philox(seed: seed, stream: UInt64($0) + 1) }
        var states: [BanditTaskState?] = [BanditTaskState?](repeating: nil, count: S)
        var missed = [Bool](repeating: false, count: T * S)
        var choice = [Int32](repeating: -1, count: T * S)
        var outcome = empty, gain = empty, loss = empty
        theta.withUnsafeBufferPointer { th in
            machine.simulate(theta: th.baseAddress!, trialStart: { t in
                let b = blockOfTrial[t]
                let length = blockStartIndex[b + 1] - blockStartIndex[b]
                for s in 0..<S {
                    if t == blockStartIndex[b] { states[s] = BanditTaskState(task: task, blockLength: length, rng: &rngs[s]) }
                    let isMissed = rngs[s].nextUniform() < missingProbability
                    missed[t * S + s] = isMissed
                    machine.setPlaneValue(MachineCode.answeredPlane, trial: t, lane: s, isMissed ? 0 : 1)
                }
            }, draw: { d in
                let s = d.lane, t = d.trial, i = t * S + s
                // Both draws are always made, so the stream stays aligned whether or not the
                // trial is missed.
                let c = rngs[s].nextCategorical(d.probabilities)
                let trialInBlock = t - blockStartIndex[blockOfTrial[t]]
                let rewarded = rngs[s].nextUniform() < states[s]!.rewardProbability(arm: c, trialInBlock: trialInBlock)
                if !missed[i] {
                    states[s]!.record(choice: c, rng: &rngs[s])
                    choice[i] = Int32(c)
                    outcome[i] = rewarded ? 1 : -1
                    gain[i] = rewarded ? 1 : 0
                    loss[i] = rewarded ? 0 : -1
                }
                if let p = outcomePlane { machine.setPlaneValue(p, trial: t, lane: s, outcome[i]) }
                if let p = gainPlane { machine.setPlaneValue(p, trial: t, lane: s, gain[i]) }
                if let p = lossPlane { machine.setPlaneValue(p, trial: t, lane: s, loss[i]) }
                return Double(c + 1)
            })
        }
        var result: [String: [Double]] = [choiceName: choice.map { $0 >= 0 ? Double($0 + 1) : 0 }]
        for c in model.file.data where !c.observed {
            result[c.name] = c.name == "outcome" ? outcome : c.name == "gain" ? gain : loss
        }
        let batch = TrialBatch(
            subjectIDs: (1...S).map(String.init), trialCount: T, optionCount: K, answered: missed.map { !$0 }, columns: result,
            choiceColumn: choiceName, blockStart: blockStart, trialsPerSubject: [Int](repeating: T, count: S))
        return SimulatedStudy(batch: batch, blockNumber: blockNumber, group: group, z: z, theta: theta)
    }
}
