import ArgumentParser
import ModelLanguage
import RLFit
import RLModels

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate a model file, and a trial table for it, and summarize both.",
        discussion: "Exit 0 when valid (warnings included), 65 when the data or the model file is not (the message names file, line and column), 66 when a file cannot be read, 64 for a model name or --arg the model does not have.")

    @Argument(help: "hBayesDM-format trial table (TSV or CSV); without it only the model is checked.")
    var data: String?

    @OptionGroup var model: ModelOption
    @OptionGroup var reading: DataReadingOptions

    func run() throws {
        try reportingInputErrors {
            let m = try model.definition()
            guard let data else {
                print("\(model.model): valid model \(m.name) (\(m.parameters.count) parameters: \(m.parameters.map(\.name).joined(separator: ", ")))")
                for w in m.file.warnings { print(w) }
                return
            }
            let requirements = m.data.reading(condition: reading.condition, columnNames: try reading.columnMap() ?? [:],
                                              firstOption: reading.firstOption ?? 1, trialTable: reading.trialTable)
            print(try DataCheckReport.check(path: data, model: m, requirements: requirements).text)
        }
    }
}
