import ModelLanguage
import Randomness

/// The Iowa gambling task (Bechara, Damasio, Damasio & Anderson 1994), as hBayesDM's igt
/// models expect it: four decks; every card pays `gain` (100 for decks A and B, 50 for C and
/// D), and within each run of 10 cards drawn from a deck some cards also take a `loss`
/// (written negative, as in hBayesDM's example data): A five losses of 150, 200, 250, 300 and
/// 350, B one of 1250, C five of 25, 50, 50, 50 and 75, D one of 250, at positions shuffled
/// afresh for every run of 10. A and B lose 250 per 10 cards, C and D win 250.
public struct IowaGamblingTask: Sendable, Equatable {
    public static let gains: [Double] = [100, 100, 50, 50]
    public static let losses: [[Double]] = [[150, 200, 250, 300, 350], [1250], [25, 50, 50, 50, 75], [250]]

    public init() {}

    public var description: String {
        "Iowa gambling task: decks A, B pay 100 and lose 1250 per 10 cards (A in five losses, B in one); C, D pay 50 and lose 250 per 10 (C in five, D in one)"
    }

    /// One run of 10 cards of `deck`: the loss on each (0 for none), shuffled.
    static func run(deck: Int, _ rng: inout Philox) -> [Double] {
        var cards = losses[deck] + [Double](repeating: 0, count: 10 - losses[deck].count)
        for i in stride(from: 9, to: 0, by: -1) {
            let j = min(Int(rng.nextUniform() * Double(i + 1)), i)
            cards.swapAt(i, j)
        }
        return cards
    }
}

/// Per subject and trial: whether the trial is missed, then the choice; a deck's next run of
/// 10 cards is shuffled (nine uniform draws) when the subject first draws from it and each time
/// a run is used up.
extension IowaGamblingTask: SimulatedTask {
    public func check(_ model: ModelDefinition) throws {
        try requireOneObservation(
            model, kind: .option, response: "one choice among 4 decks", reading: ["gain", "loss"],
            produces: "'gain' and 'loss' after each choice", fixedOptions: (4, "the decks"))
    }

    public func simulate(_ run: SimulationRun) throws -> SimulatedStudy {
        let S = run.subjects
        let choiceName = run.model.file.data.first(where: \.observed)!.name
        let (machine, plane) = try run.machine(choiceColumn: choiceName, optionCount: 4)
        let gainPlane = plane("gain"), lossPlane = plane("loss")
        var decks = [[[Double]]](repeating: [[], [], [], []], count: S)
        var choice = run.emptyColumn, gain = run.emptyColumn, loss = run.emptyColumn
        let missed = try run.simulate(
            machine: machine,
            respond: { d, stream, isMissed in
                let s = d.lane, i = d.trial * S + s
                let c = stream.nextCategorical(d.probabilities)
                if !isMissed {
                    if decks[s][c].isEmpty { decks[s][c] = Self.run(deck: c, &stream) }
                    choice[i] = Double(c + 1)
                    gain[i] = Self.gains[c]
                    loss[i] = -decks[s][c].removeLast()
                }
                if let p = gainPlane { machine.setPlaneValue(p, trial: d.trial, lane: s, gain[i]) }
                if let p = lossPlane { machine.setPlaneValue(p, trial: d.trial, lane: s, loss[i]) }
                return Double(c + 1)
            })
        var columns: [String: [Double]] = [choiceName: choice]
        for c in run.model.file.data where !c.observed { columns[c.name] = c.name == "gain" ? gain : loss }
        return run.study(columns: columns, missed: missed, choiceColumn: choiceName, optionCount: 4, task: self)
    }
}
