import ArgumentParser
import RLFit

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate a trial table for a model and summarize it.",
        discussion: "Exit 0 when the file is valid (warnings included), 65 when it is not.")

    @Argument(help: "hBayesDM-format trial table (TSV or CSV).")
    var data: String

    @OptionGroup var model: ModelOption

    func run() throws {
        let report = try reportingDataErrors { try DataCheckReport.check(path: data, model: model.definition) }
        print(report.text)
    }
}
