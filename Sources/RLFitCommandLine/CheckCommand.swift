import ArgumentParser
import ModelLanguage
import RLFit
import RLModels

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate a model file, and a trial table for it, and summarize both.",
        discussion: """
            Exit 0 when valid (warnings included), 65 when the data or the model file is not (the message names file, line and column), 66 when a file cannot be read, 64 for a model name or --arg the model does not have.

            Options:
            \(CheckCommand.fitOptions.help)
            """)

    /// The fit options this command takes (their one declaration: `FitOptionDeclaration`).
    static let fitOptions = FitOptionParser(keys: [
        "data", "model", "arguments", "condition", "columns", "first_option", "trial_table"
    ])

    @Argument(
        parsing: .allUnrecognized,
        help: ArgumentHelp(
            "DATA (without it only the model is checked) and the options listed below; --model is required.",
            valueName: "DATA and options"))
    var fitArguments: [String] = []

    func validate() throws {
        let run = try Self.fitOptions.parse(fitArguments)
        guard let model = run.model else { throw ValidationError("give --model NAME|FILE (see `rlfit models`)") }
        if !ModelCatalog.isPath(model), ModelCatalog.model(named: model) == nil {
            throw ValidationError(ModelCatalog.unknownModelMessage(model))
        }
        // A --columns entry naming no column of the model (a model file with mistakes is
        // reported by run(), with its own exit code).
        if let columnNames = run.textMap("columns"),
            let m = try? ModelCatalog.resolve(model, arguments: run.arguments ?? [:]),
            let message = FitOptions.unknownColumnMapping(columnNames, model: m)
        {
            throw ValidationError(message)
        }
    }

    func run() throws {
        let run = try Self.fitOptions.parse(fitArguments)
        try reportingInputErrors {
            let modelName = run.model!
            let m = try ModelCatalog.resolve(modelName, arguments: run.arguments ?? [:])
            guard let data = run.data else {
                print(
                    "\(modelName): valid model \(m.name) (\(m.parameters.count) parameters: \(m.parameters.map(\.name).joined(separator: ", ")))"
                )
                for w in m.file.warnings { print(w) }
                return
            }
            let columnNames = run.textMap("columns") ?? [:]
            let requirements = m.data.reading(
                condition: run.text("condition"), columnNames: columnNames,
                firstOption: run.integer("first_option") ?? 1, trialTable: run.trialTable)
            print(try DataCheckReport.check(path: data, model: m, requirements: requirements).text)
        }
    }
}
