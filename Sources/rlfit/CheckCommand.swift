import ArgumentParser
import RLFit
import RLModels

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate a trial table for a model and summarize it.",
        discussion: "Exit 0 when the file is valid (warnings included), 65 when it is not.")

    @Argument(help: "hBayesDM-format trial table (TSV or CSV).")
    var data: String

    @OptionGroup var model: ModelOption
    @OptionGroup var reading: DataReadingOptions

    func run() throws {
        let m = model.definition
        let requirements = DataRequirements(optionCount: m.optionCount, numericColumns: m.reward.columns,
                                            condition: reading.condition, columnNames: try reading.columnMap() ?? [:],
                                            firstOption: reading.firstOption ?? 1)
        let report = try reportingDataErrors { try DataCheckReport.check(path: data, model: m, requirements: requirements) }
        print(report.text)
    }
}
