import ModelLanguage
import Randomness

/// The Wisconsin card sorting task as hBayesDM's wcs_sql expects it: four key cards (one red
/// triangle, two green stars, three yellow crosses, four blue circles), so each response card
/// matches one deck by its `color`, one by its `form` and one by its `number` (the columns,
/// 1–4: the deck matching the card on that dimension, as hBayesDM's answer sheet gives them).
/// Each card's three attributes are drawn uniformly. The sorting rule runs color, form,
/// number, color, … and changes after 10 correct sorts in a row (Heaton et al. 1993); `outcome`
/// is 1 when the chosen deck matches the card on the current rule's dimension.
public struct CardSortingTask: Sendable, Equatable {
    public static let dimensions = ["color", "form", "number"]
    public var runToShift = 10

    public init() {}

    public var description: String {
        "Wisconsin card sorting: cards with a color, form and number each matching one of 4 decks, drawn uniformly; the rule (color, form, number, …) changes after \(runToShift) correct sorts in a row"
    }
}

/// Per subject and trial: whether the trial is missed, the card (three uniform draws), then
/// the choice; a missed trial shows a card but leaves the run of correct sorts as it was.
extension CardSortingTask: SimulatedTask {
    public func check(_ model: ModelDefinition) throws {
        try requireOneObservation(
            model, kind: .option, response: "one choice among 4 decks", reading: Set(Self.dimensions + ["outcome"]),
            produces: "the card's 'color', 'form', 'number' (the matching decks) and 'outcome' (1 correct, 0 wrong)",
            fixedOptions: (4, "the decks"))
    }

    public func simulate(_ run: SimulationRun) throws -> SimulatedStudy {
        let S = run.subjects
        let choiceName = run.model.file.data.first(where: \.observed)!.name
        let (machine, plane) = try run.machine(choiceColumn: choiceName, optionCount: 4)
        let cardPlanes = Self.dimensions.map(plane), outcomePlane = plane("outcome")
        var rule = [Int](repeating: 0, count: S), streak = [Int](repeating: 0, count: S)
        var choice = run.emptyColumn, outcome = run.emptyColumn
        var cards = Self.dimensions.map { _ in run.emptyColumn }
        let missed = try run.simulate(
            machine: machine,
            trialStart: { t, rngs, _ in
                if run.block(of: t).start == t { for s in 0..<S { rule[s] = 0; streak[s] = 0 } }
                for s in 0..<S {
                    for (k, p) in cardPlanes.enumerated() {
                        let deck = Double(min(Int(rngs[s].nextUniform() * 4), 3) + 1)
                        cards[k][t * S + s] = deck
                        if let p { machine.setPlaneValue(p, trial: t, lane: s, deck) }
                    }
                }
            },
            respond: { d, stream, isMissed in
                let s = d.lane, i = d.trial * S + s
                let c = stream.nextCategorical(d.probabilities)
                if !isMissed {
                    choice[i] = Double(c + 1)
                    let correct = cards[rule[s]][i] == Double(c + 1)
                    outcome[i] = correct ? 1 : 0
                    streak[s] = correct ? streak[s] + 1 : 0
                    if streak[s] == runToShift { rule[s] = (rule[s] + 1) % 3; streak[s] = 0 }
                } else {
                    for k in cards.indices { cards[k][i] = 0 } // a missed trial's row keeps nothing (as the reader)
                }
                if let p = outcomePlane { machine.setPlaneValue(p, trial: d.trial, lane: s, outcome[i]) }
                return Double(c + 1)
            })
        var columns: [String: [Double]] = [choiceName: choice, "outcome": outcome]
        for (k, name) in Self.dimensions.enumerated() { columns[name] = cards[k] }
        return run.study(columns: columns, missed: missed, choiceColumn: choiceName, optionCount: 4, task: self)
    }
}
