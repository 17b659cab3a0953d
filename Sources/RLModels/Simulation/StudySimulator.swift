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
/// values, each trial's choice drawn from the model's own probabilities (the lane machine runs
/// the model file forward and draws at each observation), outcomes from the task.
/// Deterministic in the seed: the subjects' parameters come from Philox stream 0 and subject
/// s's trials from stream s + 1 (per trial: whether it is missed, the choice, the reward, in
/// that order), so a study with more subjects extends one with fewer.
///
/// The bandit task answers an observed `option` column (the choice) with `outcome` = ±1,
/// `gain` = 1 or 0 and `loss` = 0 or −1. The go/no-go task (`task go_nogo`, `GoNoGoTask`)
/// shows a `cue` (an index column, 1…4) before the trial and answers an observed binary
/// column (pressed or not) with `outcome`. A model that reads other columns, or observes more
/// than one, needs a task of its own.
public enum StudySimulator {
    /// The columns the bandit task produces.
    public static let taskColumns: Set<String> = ["outcome", "gain", "loss"]

    /// What a study of `model` is simulated on, for reports and truth files.
    public static func taskDescription(for model: ModelDefinition, bandit: BanditTask) -> String {
        model.task == .goNoGo ? GoNoGoTask().description : bandit.description
    }

    /// Whether `model` can be simulated on its task; the reason when not.
    public static func check(_ model: ModelDefinition) throws {
        if model.task == .goNoGo { return try checkGoNoGo(model) }
        let observed = model.file.data.filter(\.observed)
        guard observed.count == 1, observed[0].kind == .option else {
            throw SimulationError(message: "\(model.name) observes \(observed.map(\.name).joined(separator: " and ")); the simulated bandit task produces one choice among options per trial, so it cannot simulate this model")
        }
        for c in model.file.data where !c.observed && !taskColumns.contains(c.name) {
            throw SimulationError(message: "\(model.name) reads data column '\(c.name)', which the simulated bandit task does not produce (it produces \(taskColumns.sorted().joined(separator: ", ")) after each choice)")
        }
    }

    /// The go/no-go task's requirements: one observed binary column (the response), and
    /// nothing read but `cue` (an index over at most 4 cues) and `outcome`.
    static func checkGoNoGo(_ model: ModelDefinition) throws {
        let observed = model.file.data.filter(\.observed)
        guard observed.count == 1, observed[0].kind == .binary else {
            throw SimulationError(message: "\(model.name) observes \(observed.map(\.name).joined(separator: " and ")); the simulated go/no-go task produces one binary response (pressed or not) per trial, so it cannot simulate this model")
        }
        for c in model.file.data where !c.observed {
            switch (c.name, c.kind) {
            case ("outcome", _): continue
            case ("cue", .index(let levels)) where levels == nil || levels == GoNoGoTask.cueCount: continue
            default:
                throw SimulationError(message: "\(model.name) reads data column '\(c.name)'; the simulated go/no-go task produces 'cue' (an index column, 1..4) before each trial and 'outcome' after it")
            }
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
        let S = subjects, T = trials
        let (z, theta) = drawSubjects(model: model, group: group, subjects: S, seed: seed)
        let layout = BlockLayout(trials: T, subjects: S, blocks: blocks)
        if model.task == .goNoGo {
            return try simulateGoNoGo(model: model, subjects: S, trials: T, layout: layout, missingProbability: missingProbability,
                                      seed: seed, group: group, z: z, theta: theta, task: GoNoGoTask())
        }
        let K = model.optionCount ?? options ?? 2
        let task = task ?? BanditTask.standard(for: model, options: K)
        precondition(task.rewardProbabilities.count == K, "the task lists \(task.rewardProbabilities.count) options, the study has \(K)")
        let blockStartIndex = layout.startIndex, blockStart = layout.blockStart, blockNumber = layout.blockNumber
        let blockOfTrial = layout.blockOfTrial
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
        return SimulatedStudy(batch: batch, blockNumber: blockNumber, group: group, z: z, theta: theta,
                              taskDescription: task.description)
    }

    /// Subjects' deviations z and natural-scale parameters θ (P·S, parameter-major) from Philox
    /// stream 0.
    static func drawSubjects(model: ModelDefinition, group: GroupValues, subjects S: Int, seed: UInt64) -> ([Double], [Double]) {
        let P = model.parameters.count
        var parameterStream = Philox(seed: seed, stream: 0)
        var z = [Double](repeating: 0, count: P * S)
        var theta = [Double](repeating: 0, count: P * S)
        for s in 0..<S {
            for p in 0..<P {
                z[p * S + s] = parameterStream.nextNormal()
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

    /// The go/no-go task: per subject and trial (stream s + 1), whether the trial is missed,
    /// the cue, then the response and the outcome (both always drawn, so the stream stays
    /// aligned whether or not the trial is missed).
    static func simulateGoNoGo(model: ModelDefinition, subjects S: Int, trials T: Int, layout: BlockLayout, missingProbability: Double,
                               seed: UInt64, group: GroupValues, z: [Double], theta: [Double], task: GoNoGoTask) throws -> SimulatedStudy {
        let responseName = model.file.data.first(where: \.observed)!.name
        let empty = [Double](repeating: 0, count: T * S)
        var columns: [String: [Double]] = [responseName: empty]
        for c in model.file.data where !c.observed { columns[c.name] = empty }
        let hasCue = columns["cue"] != nil
        let levels = hasCue ? ["cue": GoNoGoTask.cueCount] : [:]
        // No option column: the batch has no choice (as the reader gives it), only columns.
        let skeleton = TrialBatch(subjectIDs: (1...S).map(String.init), trialCount: T, optionCount: 2,
                                  answered: [Bool](repeating: true, count: T * S), columns: columns, choiceColumn: nil,
                                  levels: levels, blockStart: layout.blockStart, trialsPerSubject: [Int](repeating: T, count: S))
        let (machine, _) = try model.machine(for: skeleton, purpose: .simulation)
        let planes = machine.code.dataPlanes
        func plane(_ name: String) -> Int? { model.file.dataIndex(name).flatMap { planes[$0] } }
        let cuePlane = plane("cue"), outcomePlane = plane("outcome")

        var rngs = (0..<S).map { Philox(seed: seed, stream: UInt64($0) + 1) }
        var missed = [Bool](repeating: false, count: T * S)
        var cue = empty, response = empty, outcome = empty
        theta.withUnsafeBufferPointer { th in
            machine.simulate(theta: th.baseAddress!, trialStart: { t in
                for s in 0..<S {
                    let i = t * S + s
                    missed[i] = rngs[s].nextUniform() < missingProbability
                    cue[i] = Double(task.drawCue(&rngs[s]))
                    machine.setPlaneValue(MachineCode.answeredPlane, trial: t, lane: s, missed[i] ? 0 : 1)
                    if let p = cuePlane { machine.setPlaneValue(p, trial: t, lane: s, cue[i]) }
                }
            }, draw: { d in
                let s = d.lane, i = d.trial * S + s
                let pressed = rngs[s].nextUniform() < d.probabilities[0]
                let result = task.outcome(cue: Int(cue[i]), pressed: pressed, &rngs[s])
                if !missed[i] {
                    response[i] = pressed ? 1 : 0
                    outcome[i] = result
                }
                if let p = outcomePlane { machine.setPlaneValue(p, trial: d.trial, lane: s, outcome[i]) }
                return pressed ? 1 : 0
            })
        }
        var result: [String: [Double]] = [responseName: response]
        // A missed trial's row has no values (as a file's NA row reads).
        if hasCue { result["cue"] = zip(cue, missed).map { $1 ? 0 : $0 } }
        if columns["outcome"] != nil { result["outcome"] = outcome }
        let batch = TrialBatch(
            subjectIDs: (1...S).map(String.init), trialCount: T, optionCount: 2, answered: missed.map { !$0 }, columns: result,
            choiceColumn: nil, levels: levels, blockStart: layout.blockStart, trialsPerSubject: [Int](repeating: T, count: S))
        return SimulatedStudy(batch: batch, blockNumber: layout.blockNumber, group: group, z: z, theta: theta,
                              taskDescription: task.description)
    }
}
