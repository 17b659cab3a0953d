import ArgumentParser
import RLModels

struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "models", abstract: "List the models RLFit fits.")

    func run() throws {
        for m in ModelCatalog.all {
            print("\(m.name): \(m.summary)")
            for p in m.parameters {
                let (lo, hi) = p.bounds
                print("  \(p.name.padding(toLength: 8, withPad: " ", startingAt: 0)) (\(lo), \(hi))  \(p.meaning)")
            }
            print("  data:    subjID, choice (1..\(m.data.optionCount.map(String.init) ?? "K")), \(m.data.numericColumns.joined(separator: ", ")); optional block, trial")
            print("  coding:  \(m.outcomeCoding)")
            print("  follows: \(m.reference)")
        }
    }
}
