import Foundation
import ModelLanguage
import Randomness

/// The balloon analogue risk task (Lejuez et al. 2002), as hBayesDM's bart models expect it:
/// on each trial a balloon is pumped one pump at a time; it bursts at a pump drawn uniformly
/// from 1…`maximumPumps` (128 in the original task, mean 64), unknown to the subject, who may
/// stop before and cash in. `pumps` counts the pumps made (the bursting one included) and
/// `explosion` is 1 when the balloon burst. The subject's pumps come from the model's
/// `sequential_logit` observation: decision m goes on with probability logistic(q(m)).
public struct BalloonTask: Sendable, Equatable {
    public var maximumPumps = 128

    public init() {}

    public var description: String {
        "balloon analogue risk task: each balloon bursts at a pump drawn uniformly from 1-\(maximumPumps)"
    }
}

/// Per subject and trial: whether the trial is missed, then the burst point and the pumping
/// decisions (one uniform draw per decision until the subject stops or the balloon bursts).
extension BalloonTask: SimulatedTask {
    public func check(_ model: ModelDefinition) throws {
        try requireOneObservation(
            model, kind: .count, response: "one count of pumps (observed by sequential_logit)", reading: ["explosion"],
            produces: "'explosion' (1 when the balloon burst) with the pumps")
    }

    public func simulate(_ run: SimulationRun) throws -> SimulatedStudy {
        let S = run.subjects
        let pumpsName = run.model.file.data.first(where: \.observed)!.name
        let (machine, plane) = try run.machine(choiceColumn: nil, optionCount: 2)
        let explosionPlane = plane("explosion")
        var pumps = run.emptyColumn, explosion = run.emptyColumn
        let missed = try run.simulate(
            machine: machine,
            respond: { d, stream, isMissed in
                let s = d.lane, i = d.trial * S + s
                let burst = 1 + min(Int(stream.nextUniform() * Double(maximumPumps)), maximumPumps - 1)
                var n = 0
                // Decision m goes on with log-odds q(m) = Σ x_k m^k (the coefficients).
                while n < burst {
                    var q = 0.0
                    for x in d.probabilities.reversed() { q = q * Double(n) + x }
                    guard stream.nextUniform() < 1 / (1 + exp(-q)) else { break }
                    n += 1
                }
                let burstNow = n == burst
                if !isMissed {
                    pumps[i] = Double(n)
                    explosion[i] = burstNow ? 1 : 0
                }
                // The model reads whether the run was cut short in the observation itself.
                if let p = explosionPlane { machine.setPlaneValue(p, trial: d.trial, lane: s, burstNow ? 1 : 0) }
                return Double(n)
            })
        var columns: [String: [Double]] = [pumpsName: pumps]
        if run.model.file.dataIndex("explosion") != nil { columns["explosion"] = explosion }
        return run.study(columns: columns, missed: missed, choiceColumn: nil, optionCount: 2, task: self)
    }
}
