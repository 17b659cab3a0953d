import ModelLanguage
import Randomness

/// The probabilistic selection task's training phase (Frank, Seeberger & O'Reilly 2004), as
/// hBayesDM's pst models expect it: six stimuli in three fixed pairs, A/B (1, 2), C/D (3, 4)
/// and E/F (5, 6), rewarded with probability 0.8 / 0.2, 0.7 / 0.3 and 0.6 / 0.4. Each trial
/// shows one pair, drawn uniformly; `type` codes it as two digits (12, 34, 56: the first
/// stimulus, then the second), the observed binary column is 1 when the first is chosen, and
/// `reward` is 1 or 0.
public struct ProbabilisticSelectionTask: Sendable, Equatable {
    /// P(reward) of stimuli 1…6.
    public var rewardProbabilities: [Double] = [0.8, 0.2, 0.7, 0.3, 0.6, 0.4]
    public static let stimulusCount = 6

    public init() {}

    public var description: String {
        "probabilistic selection: pairs 12, 34, 56 shown uniformly; stimuli rewarded with P "
            + rewardProbabilities.map { String(format: "%g", $0) }.joined(separator: " / ")
    }
}

/// Per subject and trial: whether the trial is missed, the pair, then the response and the
/// reward draw (both always made).
extension ProbabilisticSelectionTask: SimulatedTask {
    public func check(_ model: ModelDefinition) throws {
        try requireOneObservation(
            model, kind: .binary, response: "one binary response (the pair's first stimulus chosen or not)",
            reading: ["type", "reward"],
            produces: "'type' (the pair, 12, 34 or 56) before each trial and 'reward' (1 or 0) after it")
        if let k = model.optionCount, k != Self.stimulusCount {
            throw SimulationError(
                message:
                    "\(model.name) has \(k) options; the probabilistic selection task has \(Self.stimulusCount) stimuli"
            )
        }
    }

    public func simulate(_ run: SimulationRun) throws -> SimulatedStudy {
        let S = run.subjects
        let responseName = run.model.file.data.first(where: \.observed)!.name
        let (machine, plane) = try run.machine(choiceColumn: nil, optionCount: Self.stimulusCount)
        let typePlane = plane("type"), rewardPlane = plane("reward")
        var type = run.emptyColumn, response = run.emptyColumn, reward = run.emptyColumn
        let missed = try run.simulate(
            machine: machine,
            trialStart: { t, rngs, _ in
                for s in 0..<S {
                    let pair = min(Int(rngs[s].nextUniform() * 3), 2)
                    type[t * S + s] = Double(10 * (2 * pair + 1) + 2 * pair + 2)
                    if let p = typePlane { machine.setPlaneValue(p, trial: t, lane: s, type[t * S + s]) }
                }
            },
            respond: { d, stream, isMissed in
                let s = d.lane, i = d.trial * S + s
                let first = stream.nextUniform() < d.probabilities[0]
                let pair = Int(type[i]) / 10
                let chosen = first ? pair : pair + 1
                let rewarded = stream.nextUniform() < rewardProbabilities[chosen - 1]
                if !isMissed {
                    response[i] = first ? 1 : 0
                    reward[i] = rewarded ? 1 : 0
                }
                if let p = rewardPlane { machine.setPlaneValue(p, trial: d.trial, lane: s, reward[i]) }
                return first ? 1 : 0
            })
        var columns: [String: [Double]] = [responseName: response]
        // A missed trial's row has no values (as a file's NA row reads).
        if typePlane != nil || run.model.file.dataIndex("type") != nil {
            columns["type"] = zip(type, missed).map { $1 ? 0 : $0 }
        }
        if run.model.file.dataIndex("reward") != nil { columns["reward"] = reward }
        return run.study(
            columns: columns, missed: missed, choiceColumn: nil, optionCount: Self.stimulusCount, task: self)
    }
}
