import ModelLanguage
import Randomness

/// The aversive learning task of Browning, Behrens, Jocham, O'Reilly & Bishop (2015), as
/// hBayesDM's alt models expect it. Two options, blue (1) and orange (2); on each trial one of
/// them is the punished one, blue with probability p(t), and each shows a punishment magnitude
/// (`bluePunish`, `orangePunish`: whole numbers drawn uniformly from 1…99) before the choice.
/// `outcome` is 1 when the chosen option is the punished one, else 0. Each block is stable for
/// its first half (p = 0.75) and volatile for the second (p = 0.8 and 0.2 in turn, switching
/// every 20 trials), the two schedules of the study.
public struct AversiveLearningTask: Sendable, Equatable {
    public static let stableProbability = 0.75
    public static let volatileProbability = 0.8
    public static let volatileRun = 20
    public static let magnitudes = 1...99

    public init() {}

    /// P(blue is the punished option) at `trialInBlock` of a block of `blockLength` trials.
    public static func bluePunished(trialInBlock t: Int, blockLength: Int) -> Double {
        let half = blockLength / 2
        guard t >= half else { return stableProbability }
        return (t - half) / volatileRun % 2 == 0 ? volatileProbability : 1 - volatileProbability
    }

    public var description: String {
        "aversive learning: one option punished per trial; magnitudes 1-99; P(blue punished) 0.75 for the first half of each block, then 0.8 / 0.2 switching every 20 trials"
    }
}

/// Per subject and trial: whether the trial is missed, the two magnitudes, then the choice and
/// which option is punished (both always drawn).
extension AversiveLearningTask: SimulatedTask {
    static let producedColumns: Set<String> = ["outcome", "bluePunish", "orangePunish"]

    public func check(_ model: ModelDefinition) throws {
        try requireOneObservation(
            model, kind: .option, response: "one choice between 2 options", reading: Self.producedColumns,
            produces: "'bluePunish' and 'orangePunish' before each trial and 'outcome' after it",
            fixedOptions: (2, "blue and orange"))
    }

    public func simulate(_ run: SimulationRun) throws -> SimulatedStudy {
        let S = run.subjects
        let choiceName = run.model.file.data.first(where: \.observed)!.name
        let (machine, plane) = try run.machine(choiceColumn: choiceName, optionCount: 2)
        let bluePlane = plane("bluePunish"), orangePlane = plane("orangePunish"), outcomePlane = plane("outcome")
        var choice = run.emptyColumn, outcome = run.emptyColumn, blue = run.emptyColumn, orange = run.emptyColumn
        func magnitude(_ rng: inout Philox) -> Double {
            let n = Self.magnitudes.count
            return Double(Self.magnitudes.lowerBound + min(Int(rng.nextUniform() * Double(n)), n - 1))
        }
        let missed = try run.simulate(
            machine: machine,
            trialStart: { t, rngs, _ in
                for s in 0..<S {
                    let i = t * S + s
                    blue[i] = magnitude(&rngs[s])
                    orange[i] = magnitude(&rngs[s])
                    if let p = bluePlane { machine.setPlaneValue(p, trial: t, lane: s, blue[i]) }
                    if let p = orangePlane { machine.setPlaneValue(p, trial: t, lane: s, orange[i]) }
                }
            },
            respond: { d, stream, isMissed in
                let s = d.lane, t = d.trial, i = t * S + s
                let c = stream.nextCategorical(d.probabilities)
                let block = run.block(of: t)
                let blueIsPunished =
                    stream.nextUniform()
                    < Self.bluePunished(trialInBlock: t - block.start, blockLength: block.length)
                if !isMissed {
                    choice[i] = Double(c + 1)
                    outcome[i] = (c == 0) == blueIsPunished ? 1 : 0
                }
                if let p = outcomePlane { machine.setPlaneValue(p, trial: t, lane: s, outcome[i]) }
                return Double(c + 1)
            })
        var columns: [String: [Double]] = [choiceName: choice]
        // A missed trial's row has no values (as a file's NA row reads).
        let shown = { (column: [Double]) in zip(column, missed).map { $1 ? 0 : $0 } }
        for c in run.model.file.data where !c.observed {
            columns[c.name] = c.name == "outcome" ? outcome : c.name == "bluePunish" ? shown(blue) : shown(orange)
        }
        return run.study(columns: columns, missed: missed, choiceColumn: choiceName, optionCount: 2, task: self)
    }
}
