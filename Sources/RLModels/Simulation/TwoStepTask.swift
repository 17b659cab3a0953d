import Foundation
import ModelLanguage
import Randomness

/// The two-step task (Daw, Gershman, Seymour, Dayan & Dolan 2011) as hBayesDM's ts models
/// expect it. Stage 1 chooses option 1 or 2 (`level1_choice`); option 1 leads to stage-2 state
/// 1 with probability `commonTransition` (else to state 2), option 2 to state 2 likewise.
/// State 1 offers stage-2 options 1 and 2, state 2 offers 3 and 4 (`level2_choice`, hBayesDM's
/// stimuli 3..6). Each stage-2 option pays `reward` = 1 with a probability that starts uniform
/// in [0.25, 0.75] and takes a Gaussian random-walk step (sd 0.025) every trial, reflected at
/// 0.25 and 0.75, as in Daw et al. (2011).
public struct TwoStepTask: Sendable, Equatable {
    /// P(common transition): hBayesDM's `trans_prob`, 0.7 by default.
    public var commonTransition: Double
    public static let standardCommonTransition = 0.7
    /// The reward probabilities' bounds and the random walk's step sd.
    public static let rewardBounds = 0.25...0.75
    public static let driftStandardDeviation = 0.025

    public init(commonTransition: Double = standardCommonTransition) {
        precondition(commonTransition >= 0 && commonTransition <= 1)
        self.commonTransition = commonTransition
    }

    public var description: String {
        "two-step: common transition \(String(format: "%g", commonTransition)); stage-2 reward probabilities drift in [0.25, 0.75] (Gaussian steps, sd 0.025)"
    }

    /// One random-walk step of a reward probability, reflected into the bounds.
    static func drift(_ p: Double, _ rng: inout Philox) -> Double {
        var q = p + driftStandardDeviation * rng.nextNormal()
        let lo = rewardBounds.lowerBound, hi = rewardBounds.upperBound
        if q > hi { q = 2 * hi - q }
        if q < lo { q = 2 * lo - q }
        return min(max(q, lo), hi)
    }
}

/// Per subject and trial: whether the trial is missed, the four reward probabilities' steps
/// (their starting values on the first trial), then the stage-1 choice and the transition,
/// then the stage-2 choice and the reward draw (all always made).
extension TwoStepTask: SimulatedTask {
    public func check(_ model: ModelDefinition) throws {
        let observed = model.file.data.filter(\.observed)
        let expected =
            observed.count == 2 && observed[0].name == "level1_choice" && observed[0].kind == .option
            && observed[1].name == "level2_choice" && observed[1].kind == .index(levels: 4)
        guard expected, model.optionCount == 2 else {
            throw SimulationError(
                message:
                    "\(model.name) observes \(observed.map(\.name).joined(separator: " and ")); the simulated two-step task produces level1_choice (an option, 1 or 2, of 2 options) and then level2_choice (an index 1..4) per trial"
            )
        }
        for c in model.file.data where !c.observed && c.name != "reward" {
            throw unproduced(c.name, by: model, produces: "'reward' (1 or 0) after the stage-2 choice")
        }
    }

    public func simulate(_ run: SimulationRun) throws -> SimulatedStudy {
        let S = run.subjects
        let levels = ["level2_choice": 4]
        let (machine, plane) = try run.machine(choiceColumn: "level1_choice", optionCount: 2, levels: levels)
        let firstColumn = run.model.file.dataIndex("level1_choice")!
        let secondPlane = plane("level2_choice")!, rewardPlane = plane("reward")
        var probabilities = [[Double]](repeating: [], count: S)
        var first = run.emptyColumn, second = run.emptyColumn, reward = run.emptyColumn
        let missed = try run.simulate(
            machine: machine,
            trialStart: { t, rngs, _ in
                for s in 0..<S {
                    if t == 0 {
                        probabilities[s] = (0..<4).map { _ in
                            rngs[s].nextUniform(Self.rewardBounds.lowerBound, Self.rewardBounds.upperBound)
                        }
                    } else {
                        for k in 0..<4 { probabilities[s][k] = Self.drift(probabilities[s][k], &rngs[s]) }
                    }
                }
            },
            respond: { d, stream, isMissed in
                let s = d.lane, t = d.trial, i = t * S + s
                let c = stream.nextCategorical(d.probabilities)
                if d.column == firstColumn {
                    let common = stream.nextUniform() < commonTransition
                    let state = common ? c : 1 - c
                    // The stage-2 options offered are read from level2_choice's pair: until the
                    // stage-2 draw, it holds the reached state's first option.
                    machine.setPlaneValue(secondPlane, trial: t, lane: s, Double(2 * state + 1))
                    if !isMissed { first[i] = Double(c + 1) }
                } else {
                    let rewarded = stream.nextUniform() < probabilities[s][c]
                    if !isMissed {
                        second[i] = Double(c + 1)
                        reward[i] = rewarded ? 1 : 0
                    }
                    if let p = rewardPlane { machine.setPlaneValue(p, trial: t, lane: s, reward[i]) }
                }
                return Double(c + 1)
            })
        var columns: [String: [Double]] = ["level1_choice": first, "level2_choice": second]
        if run.model.file.dataIndex("reward") != nil { columns["reward"] = reward }
        return run.study(
            columns: columns, missed: missed, choiceColumn: "level1_choice", optionCount: 2, levels: levels, task: self)
    }
}
