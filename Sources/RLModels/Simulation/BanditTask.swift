import ModelLanguage
import Foundation
import Randomness

/// The task a simulated subject faces: a K-armed bandit with Bernoulli rewards. Arm k pays +1
/// with probability `rewardProbabilities[k]` and −1 otherwise (the ±1 coding the models
/// document); when the task reverses, the list is read backwards (the best arm becomes the
/// worst). For models that read `gain` and `loss`, a win is gain 1 / loss 0 and a loss
/// gain 0 / loss −1 (hBayesDM's bandit4arm coding). Every block starts unreversed.
///
/// For a model that reads a `cue` column (an `index`: a stimulus shown before the choice, as
/// in cue × action learning), each trial shows one of the cues uniformly at random, and under
/// cue c the arms pay as the list rotated by c − 1 (cue 2 of 0.8 / 0.5 / 0.2 pays 0.5 / 0.2 /
/// 0.8), so cues 1…K have different best arms (cue K + 1 pays as cue 1); a reversal swaps each
/// cue's best and worst arms.
public struct BanditTask: Sendable, Equatable {
    /// When the reward probabilities reverse.
    public enum Reversal: Sendable, Equatable {
        /// Never: a stationary bandit.
        case never
        /// Once, after the first half of every block (the classic fixed reversal).
        case halfway
        /// After the subject has chosen the currently best arm on `n` consecutive answered
        /// trials, n drawn uniformly from the range afresh after every reversal: the
        /// probabilistic reversal-learning design of den Ouden et al. (2013), whose data
        /// (hBayesDM's prl_multipleB example) reverse after runs of 5–9 correct choices, and of
        /// Cools et al. (2002).
        case afterCorrectRun(ClosedRange<Int>)
    }

    public var rewardProbabilities: [Double]
    public var reversal: Reversal

    public init(rewardProbabilities: [Double], reversal: Reversal = .halfway) {
        precondition(rewardProbabilities.count >= 2 && rewardProbabilities.allSatisfy { $0 >= 0 && $0 <= 1 })
        if case let .afterCorrectRun(range) = reversal { precondition(range.lowerBound >= 1) }
        self.rewardProbabilities = rewardProbabilities
        self.reversal = reversal
    }

    /// 0.7 / 0.3 for two arms, evenly spaced from 0.8 down to 0.2 for more; reversed halfway.
    public static func standard(options k: Int) -> BanditTask {
        if k == 2 { return BanditTask(rewardProbabilities: [0.7, 0.3]) }
        return BanditTask(rewardProbabilities: (0..<k).map { 0.8 - 0.6 * Double($0) / Double(k - 1) })
    }

    /// Probabilistic reversal learning as den Ouden et al. (2013) ran it: 0.8 / 0.2, reversed
    /// after 5–9 consecutive correct choices (about 17 reversals in 200 trials).
    public static let probabilisticReversal = BanditTask(
        rewardProbabilities: [0.8, 0.2], reversal: .afterCorrectRun(5...9))

    /// The task a model's reference study used: probabilistic reversal learning for the prl
    /// models, the standard bandit for the others.
    public static func standard(for model: ModelDefinition, options k: Int) -> BanditTask {
        model.task == .probabilisticReversal ? probabilisticReversal : standard(options: k)
    }

    /// E.g. "P(+1) 0.8 / 0.2, reversed after 5-9 consecutive best-option choices".
    public var description: String {
        let p = rewardProbabilities.map { String(format: "%g", $0) }.joined(separator: " / ")
        switch reversal {
        case .never: return "P(+1) \(p), never reversed"
        case .halfway: return "P(+1) \(p), reversed halfway through each block"
        case let .afterCorrectRun(range):
            let n = range.count == 1 ? "\(range.lowerBound)" : "\(range.lowerBound)-\(range.upperBound)"
            return "P(+1) \(p), reversed after \(n) consecutive best-option choices"
        }
    }

    /// P(reward) for `arm` (0-based) under `cue` (1-based; 1 without cues), with the
    /// probabilities reversed or not: the list read backwards if reversed, then rotated by
    /// cue − 1 — so a reversal swaps every cue's best and worst arms (reversing the rotated list
    /// instead would leave a best arm in the middle of an odd K where it was).
    public func rewardProbability(arm: Int, reversed: Bool, cue: Int = 1) -> Double {
        let K = rewardProbabilities.count
        let position = (arm + cue - 1) % K
        return rewardProbabilities[reversed ? K - 1 - position : position]
    }

    /// The arm (0-based) paying most under `cue`, reversed or not.
    func bestArm(cue: Int, reversed: Bool) -> Int {
        (0..<rewardProbabilities.count).max {
            rewardProbability(arm: $0, reversed: reversed, cue: cue)
                < rewardProbability(arm: $1, reversed: reversed, cue: cue)
        }!
    }

    /// Cues when a model reads `cue` without fixing how many (`data cue: index`): 2.
    public static let defaultCueCount = 2

    /// How many cues a simulation of `model` shows: the levels its `cue` column declares
    /// (`index 1..N`), else `defaultCueCount`; nil when it reads no cue.
    static func cueCount(for model: ModelDefinition) -> Int? {
        guard let c = model.file.data.first(where: { $0.name == "cue" }) else { return nil }
        if case let .index(levels) = c.kind { return levels ?? defaultCueCount }
        return nil
    }
}

/// The task's state for one subject inside a block: whether the probabilities are reversed
/// and, for criterion reversals, the run of correct choices so far and the run that triggers
/// the next reversal.
struct BanditTaskState {
    let task: BanditTask
    let blockLength: Int
    private(set) var reversed = false
    private var correctRun = 0
    private var criterion = 0

    /// A block's start. Draws the first criterion from `rng` only for criterion reversals, so
    /// the other designs' random streams are unchanged.
    init(task: BanditTask, blockLength: Int, rng: inout Philox) {
        self.task = task
        self.blockLength = blockLength
        if case let .afterCorrectRun(range) = task.reversal { criterion = Self.draw(range, &rng) }
    }

    /// P(reward) for `arm` at trial `trialInBlock` under `cue`.
    func rewardProbability(arm: Int, trialInBlock: Int, cue: Int = 1) -> Double {
        switch task.reversal {
        case .never: return task.rewardProbability(arm: arm, reversed: false, cue: cue)
        case .halfway: return task.rewardProbability(arm: arm, reversed: trialInBlock >= blockLength / 2, cue: cue)
        case .afterCorrectRun: return task.rewardProbability(arm: arm, reversed: reversed, cue: cue)
        }
    }

    /// Records an answered trial's choice under `cue`; reverses once the run of best-arm
    /// choices (each under its own cue) reaches the criterion, then draws the next criterion.
    mutating func record(choice: Int, cue: Int = 1, rng: inout Philox) {
        guard case let .afterCorrectRun(range) = task.reversal else { return }
        correctRun = choice == task.bestArm(cue: cue, reversed: reversed) ? correctRun + 1 : 0
        if correctRun >= criterion {
            reversed.toggle()
            correctRun = 0
            criterion = Self.draw(range, &rng)
        }
    }

    private static func draw(_ range: ClosedRange<Int>, _ rng: inout Philox) -> Int {
        range.lowerBound + min(Int(rng.nextUniform() * Double(range.count)), range.count - 1)
    }
}

/// The bandit simulation. It shows `cue` before each trial when the model reads one, and
/// answers an observed `option` column (the choice) with `outcome` = ±1, `gain` = 1 or 0 and
/// `loss` = 0 or −1, and produces nothing else. Per subject and trial: whether the trial is
/// missed, the cue (only for a model that reads one, so other designs' draws are unchanged),
/// then the choice and the reward draw (both always made).
extension BanditTask: SimulatedTask {
    /// The columns the bandit task produces after each choice.
    public static let producedColumns: Set<String> = ["outcome", "gain", "loss"]

    public func check(_ model: ModelDefinition) throws {
        let cue = model.file.data.first { $0.name == "cue" }
        if let cue, !cue.observed {
            guard case let .index(levels) = cue.kind, (levels ?? 1) >= 1 else {
                throw SimulationError(
                    message:
                        "\(model.name) reads 'cue' as \(cue.kind); the simulated bandit shows cues as an index column: declare data cue: index (or index 1..N)"
                )
            }
        }
        try requireOneObservation(
            model, kind: .option, response: "one choice among options",
            reading: Self.producedColumns.union(cue == nil ? [] : ["cue"]),
            produces: "'cue' (an index column) before each choice, and "
                + Self.producedColumns.sorted().joined(separator: ", ") + " after it")
        if let k = model.optionCount, k != rewardProbabilities.count {
            throw SimulationError(
                message: "the task lists \(rewardProbabilities.count) options, \(model.name) has \(k)")
        }
    }

    public func simulate(_ run: SimulationRun) throws -> SimulatedStudy {
        let S = run.subjects, K = rewardProbabilities.count
        let choiceName = run.model.file.data.first(where: \.observed)!.name
        let cues = Self.cueCount(for: run.model)
        let levels = cues.map { ["cue": $0] } ?? [:]
        let (machine, plane) = try run.machine(choiceColumn: choiceName, optionCount: K, levels: levels)
        let cuePlane = plane("cue"), outcomePlane = plane("outcome"), gainPlane = plane("gain"),
            lossPlane = plane("loss")
        var states = [BanditTaskState?](repeating: nil, count: S)
        var choice = run.emptyColumn, outcome = run.emptyColumn, gain = run.emptyColumn, loss = run.emptyColumn
        var cue = [Double](repeating: 1, count: run.emptyColumn.count)
        let missed = try run.simulate(
            machine: machine, drawsMissed: false,
            trialStart: { t, rngs, missed in
                let block = run.block(of: t)
                for s in 0..<S where t == block.start {
                    states[s] = BanditTaskState(task: self, blockLength: block.length, rng: &rngs[s])
                }
                run.drawMissed(trial: t, machine: machine, rngs: &rngs, missed: &missed)
                guard let cues else { return }
                for s in 0..<S {
                    let i = t * S + s
                    cue[i] = Double(1 + min(Int(rngs[s].nextUniform() * Double(cues)), cues - 1))
                    if let p = cuePlane { machine.setPlaneValue(p, trial: t, lane: s, cue[i]) }
                }
            },
            respond: { d, stream, isMissed in
                let s = d.lane, t = d.trial, i = t * S + s, shown = Int(cue[i])
                let c = stream.nextCategorical(d.probabilities)
                let rewarded =
                    stream.nextUniform()
                    < states[s]!.rewardProbability(arm: c, trialInBlock: t - run.block(of: t).start, cue: shown)
                if !isMissed {
                    states[s]!.record(choice: c, cue: shown, rng: &stream)
                    choice[i] = Double(c + 1)
                    outcome[i] = rewarded ? 1 : -1
                    gain[i] = rewarded ? 1 : 0
                    loss[i] = rewarded ? 0 : -1
                }
                if let p = outcomePlane { machine.setPlaneValue(p, trial: t, lane: s, outcome[i]) }
                if let p = gainPlane { machine.setPlaneValue(p, trial: t, lane: s, gain[i]) }
                if let p = lossPlane { machine.setPlaneValue(p, trial: t, lane: s, loss[i]) }
                return Double(c + 1)
            })
        var columns: [String: [Double]] = [choiceName: choice]
        for c in run.model.file.data where !c.observed {
            switch c.name {
            // A missed trial's row has no values (as a file's NA row reads).
            case "cue": columns["cue"] = zip(cue, missed).map { $1 ? 0 : $0 }
            case "outcome": columns["outcome"] = outcome
            case "gain": columns["gain"] = gain
            default: columns[c.name] = loss
            }
        }
        return run.study(
            columns: columns, missed: missed, choiceColumn: choiceName, optionCount: K, levels: levels, task: self)
    }

    /// With the cues a model that reads them is shown.
    public func description(for model: ModelDefinition) -> String {
        description
            + (Self.cueCount(for: model).map {
                "; cues 1-\($0) shown uniformly, cue c paying as the list rotated by c - 1"
            }
                ?? "")
    }
}
