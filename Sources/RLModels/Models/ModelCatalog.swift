import Foundation
import ModelLanguage

/// The models RLFit ships, one model file each (`models/NAME.rlm`, compiled into the library):
/// hBayesDM's where hBayesDM has them (same names, parameters, bounds, priors and data, so users
/// can switch), and the variants hBayesDM users had to write in Stan themselves. A user's own
/// model file is loaded by path (`--model my_model.rlm`).
public enum ModelCatalog {
    /// Every built-in model, in file-name order. A built-in file that fails to check is a bug
    /// in this repository (the tests check them all).
    public static let all: [ModelDefinition] = builtInModelFiles.map { entry in
        do {
            return try ModelDefinition(
                file: ModelFile.check(text: entry.text, file: "models/\(entry.name).rlm"), origin: .builtIn)
        } catch {
            preconditionFailure("built-in model \(entry.name) does not check: \(error)")
        }
    }

    /// The built-in models by name, for code that names one.
    public static var bandit2armDelta: ModelDefinition { model(named: "bandit2arm_delta")! }
    public static var banditNarmDelta: ModelDefinition { model(named: "banditNarm_delta")! }
    public static var deltaForget: ModelDefinition { model(named: "delta_forget")! }
    public static var deltaDual: ModelDefinition { model(named: "delta_dual")! }
    public static var deltaStick: ModelDefinition { model(named: "delta_stick")! }
    public static var prlRP: ModelDefinition { model(named: "prl_rp")! }
    public static var prlFictitious: ModelDefinition { model(named: "prl_fictitious")! }

    /// The text of the built-in model file `name` (hBayesDM's `_multipleB` names accepted).
    public static func source(named name: String) -> String? {
        model(named: name)?.file.source
    }

    /// The model called `name`, or nil. hBayesDM's multiple-block names (`prl_rp_multipleB`,
    /// `prl_fictitious_multipleB`) are accepted: every model handles blocks.
    public static func model(named name: String) -> ModelDefinition? {
        let base = name.hasSuffix("_multipleB") ? String(name.dropLast("_multipleB".count)) : name
        return all.first { $0.name == base }
    }

    /// Whether `--model` names a file rather than a built-in model.
    public static func isPath(_ nameOrPath: String) -> Bool {
        nameOrPath.hasSuffix(".rlm") || nameOrPath.contains("/")
            || (model(named: nameOrPath) == nil && FileManager.default.fileExists(atPath: nameOrPath))
    }

    /// A built-in model by name, or a model file by path, with argument overrides.
    /// - Throws: `ModelFileError` for a file that does not check or an unknown argument;
    ///   `UnknownModel` for a name not in the catalog.
    public static func resolve(_ nameOrPath: String, arguments: [String: Double] = [:]) throws -> ModelDefinition {
        if isPath(nameOrPath) {
            return try ModelDefinition(
                file: ModelFile.load(path: nameOrPath), origin: .file(nameOrPath), arguments: arguments)
        }
        guard let builtIn = model(named: nameOrPath) else {
            throw UnknownModel(message: unknownModelMessage(nameOrPath))
        }
        return try ModelDefinition(file: builtIn.file, origin: .builtIn, arguments: arguments)
    }

    public struct UnknownModel: Error, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// "unknown model 'x'; did you mean …?" for a name not in the catalog: the closest built-in
    /// name (a prefix such as `bandit2arm`, or a misspelling), or the model file the name
    /// misses the `.rlm` of; then the built-in names and how to give a file.
    public static func unknownModelMessage(_ name: String) -> String {
        let names = all.map(\.name)
        let lower = name.lowercased()
        var text = "unknown model '\(name)'"
        if FileManager.default.fileExists(atPath: name + ".rlm") {
            text += "; did you mean the file \(name).rlm? (a model file is given by its path, ending in .rlm)"
        } else if let guess = names.first(where: { $0.lowercased().hasPrefix(lower) }) ?? Suggestions.closest(
            to: name, among: names)
            ?? names.first(where: {
                lower.hasPrefix($0.lowercased().split(separator: "_").first.map(String.init) ?? $0)
            })
        {
            text += "; did you mean \(guess)?"
        }
        if lower.hasPrefix("bandit4arm") {
            text += " (banditNarm_delta fits hBayesDM's bandit4arm data: gain and loss columns)"
        }
        return text + (text.hasSuffix("?") ? " " : ". ") + "Built-in models: " + names.joined(separator: ", ")
            + " (prl models also as *_multipleB); or a model file by its path: --model my_model.rlm (start from `rlfit models NAME > my_model.rlm`)"
    }
}
