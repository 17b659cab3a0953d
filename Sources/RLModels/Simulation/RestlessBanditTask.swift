import Foundation
import ModelLanguage
import Randomness

/// The restless four-armed bandit of Daw, O'Doherty, Dayan, Seymour & Dolan (2006), as
/// hBayesDM's bandit4arm2_kalman_filter expects it: each arm's mean payoff takes a decaying
/// Gaussian random walk, μ ← `decay`·μ + (1 − `decay`)·`center` + N(0, `diffusion`²), every
/// trial; the chosen arm pays N(μ, `noise`²) points, rounded and kept within 1…100
/// (`outcome`). The means start from the walk's stationary distribution (sd
/// diffusion/√(1 − decay²) ≈ 15.5 points around the center).
public struct RestlessBanditTask: Sendable, Equatable {
    public var arms: Int
    public var decay = 0.9836
    public var center = 50.0
    public var diffusion = 2.8
    public var noise = 4.0

    public init(arms: Int = 4) {
        precondition(arms >= 2)
        self.arms = arms
    }

    public var description: String {
        "restless \(arms)-armed bandit: mean payoffs walk (decay \(String(format: "%g", decay)) toward \(String(format: "%g", center)), sd \(String(format: "%g", diffusion)) per trial); payoffs N(mean, \(String(format: "%g", noise))^2) rounded to 1-100"
    }

    /// A payoff of mean `mean`: rounded, within 1…100.
    func payoff(mean: Double, _ rng: inout Philox) -> Double {
        min(max((mean + noise * rng.nextNormal()).rounded(), 1), 100)
    }
}

/// Per subject and trial: whether the trial is missed, the arms' walk steps (their starting
/// values on the first trial), then the choice and the payoff draw (both always made).
extension RestlessBanditTask: SimulatedTask {
    public func check(_ model: ModelDefinition) throws {
        try requireOneObservation(
            model, kind: .option, response: "one choice among options", reading: ["outcome"],
            produces: "'outcome' (the payoff, 1-100) after each choice")
        if let k = model.optionCount, k != arms {
            throw SimulationError(message: "the restless bandit has \(arms) arms, \(model.name) has \(k) options")
        }
    }

    public func simulate(_ run: SimulationRun) throws -> SimulatedStudy {
        let S = run.subjects
        let choiceName = run.model.file.data.first(where: \.observed)!.name
        let (machine, plane) = try run.machine(choiceColumn: choiceName, optionCount: arms)
        let outcomePlane = plane("outcome")
        var means = [[Double]](repeating: [], count: S)
        var choice = run.emptyColumn, outcome = run.emptyColumn
        let stationary = diffusion / (1 - decay * decay).squareRoot()
        let missed = try run.simulate(
            machine: machine,
            trialStart: { t, rngs, _ in
                for s in 0..<S {
                    if t == 0 {
                        means[s] = (0..<arms).map { _ in center + stationary * rngs[s].nextNormal() }
                    } else {
                        for k in 0..<arms {
                            means[s][k] =
                                decay * means[s][k] + (1 - decay) * center + diffusion * rngs[s].nextNormal()
                        }
                    }
                }
            },
            respond: { d, stream, isMissed in
                let s = d.lane, i = d.trial * S + s
                let c = stream.nextCategorical(d.probabilities)
                let paid = payoff(mean: means[s][c], &stream)
                if !isMissed {
                    choice[i] = Double(c + 1)
                    outcome[i] = paid
                }
                if let p = outcomePlane { machine.setPlaneValue(p, trial: d.trial, lane: s, outcome[i]) }
                return Double(c + 1)
            })
        var columns: [String: [Double]] = [choiceName: choice]
        if run.model.file.dataIndex("outcome") != nil { columns["outcome"] = outcome }
        return run.study(columns: columns, missed: missed, choiceColumn: choiceName, optionCount: arms, task: self)
    }
}
