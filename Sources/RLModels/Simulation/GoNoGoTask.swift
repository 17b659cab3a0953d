import ModelLanguage
import Foundation
import Randomness

/// The orthogonalized go/no-go task (Guitart-Masip et al. 2012) as hBayesDM's gng models
/// expect it: on each trial one of four cues is shown and the subject presses (go) or not
/// (no-go); the cue says which action is right and whether there is a win to get or a loss to
/// avoid. The right action gets the good outcome with probability `contingency`, the wrong one
/// with 1 − `contingency`. Outcomes are +1 / 0 for the win cues and 0 / −1 for the avoid cues.
///
/// The cue coding is hBayesDM's example data's (gng_exampleData.txt, 10 subjects × 240 trials,
/// 60 per cue; P(good outcome | right action) 0.76–0.80 in those data):
/// 1 go to win, 2 no-go to win, 3 go to avoid losing, 4 no-go to avoid losing.
/// Cues are drawn uniformly and independently per trial.
public struct GoNoGoTask: Sendable, Equatable {
    public var contingency: Double

    public init(contingency: Double = 0.8) {
        precondition(contingency >= 0 && contingency <= 1)
        self.contingency = contingency
    }

    public static let cueCount = 4

    /// Whether pressing is the right action for `cue` (1…4).
    public static func goIsRight(cue: Int) -> Bool { cue == 1 || cue == 3 }

    /// Whether `cue` (1…4) offers a win (else a loss to avoid).
    public static func isWinCue(_ cue: Int) -> Bool { cue <= 2 }

    /// A cue, 1…4, uniformly.
    public func drawCue(_ rng: inout Philox) -> Int {
        1 + min(Int(rng.nextUniform() * Double(Self.cueCount)), Self.cueCount - 1)
    }

    /// The outcome of pressing (or not) at `cue`: one uniform draw, always made.
    public func outcome(cue: Int, pressed: Bool, _ rng: inout Philox) -> Double {
        let right = pressed == Self.goIsRight(cue: cue)
        let good = rng.nextUniform() < (right ? contingency : 1 - contingency)
        return Self.isWinCue(cue) ? (good ? 1 : 0) : (good ? 0 : -1)
    }

    public var description: String {
        let right = String(format: "%g", contingency), wrong = String(format: "%g", 1 - contingency)
        return
            "go/no-go: cues 1 go-to-win, 2 no-go-to-win, 3 go-to-avoid, 4 no-go-to-avoid, uniform; the right action pays off \(right) of the time, the wrong one \(wrong)"
    }
}

/// The go/no-go simulation: it shows `cue` (an index column, 1…4) before each trial and
/// answers the observed binary column (pressed or not) with `outcome`. Per subject and trial:
/// whether the trial is missed, the cue, then the response and the outcome (both always
/// drawn, so the stream stays aligned whether or not the trial is missed).
extension GoNoGoTask: SimulatedTask {
    public func check(_ model: ModelDefinition) throws {
        let observed = model.file.data.filter(\.observed)
        guard observed.count == 1, observed[0].kind == .binary else {
            throw SimulationError(
                message:
                    "\(model.name) observes \(observed.map(\.name).joined(separator: " and ")); the simulated go/no-go task produces one binary response (pressed or not) per trial, so it cannot simulate this model"
            )
        }
        for c in model.file.data where !c.observed {
            switch (c.name, c.kind) {
            case ("outcome", _): continue
            case ("cue", .index(let levels)) where levels == nil || levels == Self.cueCount: continue
            default:
                throw unproduced(
                    c.name, by: model,
                    produces: "'cue' (an index column, 1..4) before each trial and 'outcome' after it")
            }
        }
    }

    public func simulate(_ run: SimulationRun) throws -> SimulatedStudy {
        let S = run.subjects
        let responseName = run.model.file.data.first(where: \.observed)!.name
        let hasCue = run.model.file.dataIndex("cue") != nil
        let levels = hasCue ? ["cue": Self.cueCount] : [:]
        // No option column: the batch has no choice (as the reader gives it), only columns.
        let (machine, plane) = try run.machine(choiceColumn: nil, optionCount: 2, levels: levels)
        let cuePlane = plane("cue"), outcomePlane = plane("outcome")
        var cue = run.emptyColumn, response = run.emptyColumn, outcome = run.emptyColumn
        let missed = try run.simulate(
            machine: machine, drawsMissed: false,
            trialStart: { t, rngs, missed in
                for s in 0..<S {
                    let i = t * S + s
                    missed[i] = rngs[s].nextUniform() < run.missingProbability
                    cue[i] = Double(drawCue(&rngs[s]))
                    machine.setPlaneValue(MachineCode.answeredPlane, trial: t, lane: s, missed[i] ? 0 : 1)
                    if let p = cuePlane { machine.setPlaneValue(p, trial: t, lane: s, cue[i]) }
                }
            },
            respond: { d, stream, isMissed in
                let s = d.lane, i = d.trial * S + s
                let pressed = stream.nextUniform() < d.probabilities[0]
                let result = self.outcome(cue: Int(cue[i]), pressed: pressed, &stream)
                if !isMissed {
                    response[i] = pressed ? 1 : 0
                    outcome[i] = result
                }
                if let p = outcomePlane { machine.setPlaneValue(p, trial: d.trial, lane: s, outcome[i]) }
                return pressed ? 1 : 0
            })
        var columns: [String: [Double]] = [responseName: response]
        // A missed trial's row has no values (as a file's NA row reads).
        if hasCue { columns["cue"] = zip(cue, missed).map { $1 ? 0 : $0 } }
        if run.model.file.dataIndex("outcome") != nil { columns["outcome"] = outcome }
        return run.study(
            columns: columns, missed: missed, choiceColumn: nil, optionCount: 2, levels: levels, task: self)
    }
}
