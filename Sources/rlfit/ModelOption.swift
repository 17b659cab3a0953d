import ArgumentParser
import RLModels

/// `--model NAME`, validated against the catalog.
struct ModelOption: ParsableArguments {
    @Option(name: .long, help: "Model name (see `rlfit models`).")
    var model: String

    func validate() throws {
        guard ModelCatalog.model(named: model) != nil else { throw ValidationError(ModelCatalog.unknownModelMessage(model)) }
    }

    var definition: ModelDefinition { ModelCatalog.model(named: model)! }
}
