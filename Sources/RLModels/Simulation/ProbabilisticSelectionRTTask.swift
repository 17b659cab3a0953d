import Foundation
import ModelLanguage
import Randomness

/// The probabilistic selection task's training phase with response times (Frank et al. 2004;
/// hBayesDM's pstRT data): three conditions, the pairs A/B, C/D and E/F, whose correct option
/// (response 1) is rewarded with probability 0.8, 0.7 and 0.6 and the incorrect one (2) with
/// the rest. Trials cycle through the conditions (cond 1, 2, 3, 1, …; `iter` counts a
/// condition's trials from 1, as in hBayesDM's example data). The response and its time come
/// from the model's `wiener` observation, simulated as the diffusion itself: Euler steps of
/// Δ = 1e−4 s with Gaussian increments (drift δ·Δ, variance Δ) from β·a until the evidence
/// leaves (0, a); the time is the steps' total plus τ (hBayesDM's `wiener_rng` takes ±√Δ
/// steps at the same Δ). The discretization overshoots the boundary by ~0.58·√Δ on average,
/// which delays responses by well under a millisecond at hBayesDM's typical a = 1.8.
public struct ProbabilisticSelectionRTTask: Sendable, Equatable {
    /// P(reward | correct option) per condition; the incorrect option pays with 1 − p.
    public var rewardProbabilities: [Double] = [0.8, 0.7, 0.6]
    /// The diffusion's time step in seconds.
    public var timeStep = 1e-4
    /// A diffusion that has not ended by this many seconds ends at the boundary it is nearer.
    public var maximumDecisionTime = 30.0

    public init() {}

    public var description: String {
        "probabilistic selection with response times: conditions 1, 2, 3 in turn, the correct option rewarded with P "
            + rewardProbabilities.map { String(format: "%g", $0) }.joined(separator: " / ")
            + "; diffusion simulated in steps of 0.1 ms"
    }

    /// One first passage: the response (1 upper, 2 lower) and its time in seconds.
    func passage(
        boundary a: Double, nondecision tau: Double, bias beta: Double, drift delta: Double,
        rng: inout Philox
    ) -> (response: Double, time: Double) {
        var x = beta * a, steps = 0
        let sd = timeStep.squareRoot(), limit = Int(maximumDecisionTime / timeStep)
        while x > 0 && x < a && steps < limit {
            x += delta * timeStep + sd * rng.nextNormal()
            steps += 1
        }
        let upper = x >= a || (x > 0 && x >= a / 2)
        return (upper ? 1 : 2, tau + Double(steps) * timeStep)
    }
}

/// Per subject and trial: whether the trial is missed, then the passage (its normal draws)
/// and the feedback draw (always made).
extension ProbabilisticSelectionRTTask: SimulatedTask {
    public func check(_ model: ModelDefinition) throws {
        let observed = model.file.data.filter(\.observed)
        guard observed.count == 1, observed[0].kind == .option, model.optionCount == 2 else {
            throw SimulationError(
                message:
                    "\(model.name) observes \(observed.map(\.name).joined(separator: " and ")); the simulated task (\(description(for: model))) produces one response, 1 or 2, with its time per trial"
            )
        }
        for c in model.file.data where !c.observed {
            switch (c.name, c.kind) {
            case ("cond", .index(let levels)) where levels == nil || levels == rewardProbabilities.count: continue
            case ("RT", .real), ("feedback", .real), ("iter", .count), ("iter", .real), ("prob", .real): continue
            default:
                throw unproduced(
                    c.name, by: model,
                    produces:
                        "'cond' (1..3) and 'iter' before each trial, 'RT' with the response, 'feedback' (1 or 0) after it"
                )
            }
        }
    }

    public func simulate(_ run: SimulationRun) throws -> SimulatedStudy {
        let S = run.subjects, C = rewardProbabilities.count
        let responseName = run.model.file.data.first(where: \.observed)!.name
        let levels = run.model.file.dataIndex("cond") != nil ? ["cond": C] : [:]
        let (machine, plane) = try run.machine(choiceColumn: responseName, optionCount: 2, levels: levels)
        let condPlane = plane("cond"), iterPlane = plane("iter"), rtPlane = plane("RT"),
            feedbackPlane = plane("feedback")
        var cond = run.emptyColumn, iter = run.emptyColumn, prob = run.emptyColumn
        var response = run.emptyColumn, rt = run.emptyColumn, feedback = run.emptyColumn
        let missed = try run.simulate(
            machine: machine,
            trialStart: { t, rngs, _ in
                let start = run.block(of: t).start
                let c = (t - start) % C
                for s in 0..<S {
                    let i = t * S + s
                    cond[i] = Double(c + 1)
                    iter[i] = Double((t - start) / C + 1)
                    prob[i] = rewardProbabilities[c]
                    if let p = condPlane { machine.setPlaneValue(p, trial: t, lane: s, cond[i]) }
                    if let p = iterPlane { machine.setPlaneValue(p, trial: t, lane: s, iter[i]) }
                }
            },
            respond: { d, stream, isMissed in
                let s = d.lane, i = d.trial * S + s
                let (r, time) = passage(
                    boundary: d.probabilities[0], nondecision: d.probabilities[1], bias: d.probabilities[2],
                    drift: d.probabilities[3], rng: &stream)
                let p = rewardProbabilities[Int(cond[i]) - 1]
                let rewarded = stream.nextUniform() < (r == 1 ? p : 1 - p)
                if !isMissed {
                    response[i] = r
                    rt[i] = time
                    feedback[i] = rewarded ? 1 : 0
                }
                if let plane = rtPlane { machine.setPlaneValue(plane, trial: d.trial, lane: s, time) }
                if let plane = feedbackPlane {
                    machine.setPlaneValue(plane, trial: d.trial, lane: s, rewarded ? 1 : 0)
                }
                return r
            })
        // The columns the model declares; a missed trial's row has no values (as a file's NA row reads).
        var columns: [String: [Double]] = [:]
        for (name, values) in [
            (responseName, response), ("cond", cond), ("iter", iter), ("prob", prob), ("RT", rt), ("feedback", feedback)
        ]
        where run.model.file.dataIndex(name) != nil {
            columns[name] = zip(values, missed).map { $1 ? 0 : $0 }
        }
        return run.study(
            columns: columns, missed: missed, choiceColumn: responseName, optionCount: 2, levels: levels, task: self)
    }
}
