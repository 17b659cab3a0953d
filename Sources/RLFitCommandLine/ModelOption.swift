import ArgumentParser
import ModelLanguage
import RLFit
import RLModels

/// `--model NAME|FILE` and `--arg NAME=VALUE`: a built-in model or the user's model file, with
/// its arguments set. A model file with a mistake is reported (file:line:column, exit 65) when
/// the command runs.
struct ModelOption: ParsableArguments {
    // Help from the fit options' declaration (`FitOptionDeclaration`), shared with `fit`.
    @Option(help: ArgumentHelp(FitOptionDeclaration.named("model")!.help))
    var model: String

    @Option(
        name: .customLong("arg"),
        help: ArgumentHelp(FitOptionDeclaration.named("arguments")!.help, valueName: "NAME=VALUE"))
    var arguments: [String] = []

    func validate() throws {
        if !ModelCatalog.isPath(model), ModelCatalog.model(named: model) == nil {
            throw ValidationError(ModelCatalog.unknownModelMessage(model))
        }
        _ = try ModelOption.argumentValues(arguments)
    }

    /// The model, its file checked and arguments applied.
    func definition() throws -> ModelDefinition {
        try ModelCatalog.resolve(model, arguments: ModelOption.argumentValues(arguments))
    }

    /// `NAME=VALUE` pairs as a dictionary (a ValidationError names a malformed one).
    static func argumentValues(_ pairs: [String]) throws -> [String: Double] {
        var result: [String: Double] = [:]
        for pair in pairs {
            let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, let v = Double(parts[1]), v.isFinite else {
                throw ValidationError(
                    "--arg takes NAME=VALUE with a finite number, e.g. --arg payscale=100; got '\(pair)'")
            }
            guard result[parts[0]] == nil else { throw ValidationError("--arg \(parts[0]) is given twice") }
            result[parts[0]] = v
        }
        return result
    }
}
