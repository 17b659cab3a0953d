import ModelLanguage
import Randomness

/// The ultimatum game from the responder's side, as hBayesDM's ug models expect it: on each
/// trial a proposer offers `offer` (a whole number drawn uniformly from `offers`; hBayesDM's
/// example data's offers are 1…10) and the responder accepts (1) or rejects (0): the observed
/// binary column. Nothing depends on the response but the record.
public struct UltimatumTask: Sendable, Equatable {
    public var offers: ClosedRange<Int> = 1...10

    public init() {}

    public var description: String {
        "ultimatum game (responder): offers drawn uniformly from \(offers.lowerBound)-\(offers.upperBound)"
    }
}

/// Per subject and trial: whether the trial is missed, the offer, then the response.
extension UltimatumTask: SimulatedTask {
    public func check(_ model: ModelDefinition) throws {
        try requireOneObservation(model, kind: .binary, response: "one binary response (accept or reject)", reading: ["offer"],
                                  produces: "'offer' before each trial")
    }

    public func simulate(_ run: SimulationRun) throws -> SimulatedStudy {
        let S = run.subjects
        let responseName = run.model.file.data.first(where: \.observed)!.name
        let (machine, plane) = try run.machine(choiceColumn: nil, optionCount: 2)
        let offerPlane = plane("offer")
        var rngs = run.streams()
        var missed = [Bool](repeating: false, count: run.trials * S)
        var offer = run.emptyColumn, response = run.emptyColumn
        let n = offers.count
        run.theta.withUnsafeBufferPointer { th in
            machine.simulate(theta: th.baseAddress!, trialStart: { t in
                run.drawMissed(trial: t, machine: machine, rngs: &rngs, missed: &missed)
                for s in 0..<S {
                    let i = t * S + s
                    offer[i] = Double(offers.lowerBound + min(Int(rngs[s].nextUniform() * Double(n)), n - 1))
                    if let p = offerPlane { machine.setPlaneValue(p, trial: t, lane: s, offer[i]) }
                }
            }, draw: { d in
                let accepted = rngs[d.lane].nextUniform() < d.probabilities[0]
                if !missed[d.trial * S + d.lane] { response[d.trial * S + d.lane] = accepted ? 1 : 0 }
                return accepted ? 1 : 0
            })
        }
        var columns: [String: [Double]] = [responseName: response]
        // A missed trial's row has no values (as a file's NA row reads).
        if run.model.file.dataIndex("offer") != nil { columns["offer"] = zip(offer, missed).map { $1 ? 0 : $0 } }
        return run.study(columns: columns, missed: missed, choiceColumn: nil, optionCount: 2, task: self)
    }
}
