import ArgumentParser
import Foundation
import ModelLanguage
import RLModels

struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List the built-in models, or print one model's file.",
        discussion: """
            `rlfit models` lists every built-in model: parameters, bounds, priors, data, reference. \
            `rlfit models NAME` prints that model's file exactly; `rlfit models NAME > my_model.rlm` \
            copies it to edit and fit with --model my_model.rlm. A path prints the file's summary \
            after checking it.
            """)

    @Argument(help: "A built-in model's name (prints its file) or a model file (prints its summary).")
    var name: String?

    /// An unknown name is a usage error (64) shown with this command's usage line.
    func validate() throws {
        if let name, !ModelCatalog.isPath(name), ModelCatalog.source(named: name) == nil {
            throw ValidationError(ModelCatalog.unknownModelMessage(name))
        }
    }

    func run() throws {
        guard let name else {
            for m in ModelCatalog.all { print(describe(m)); print("") }
            print("Hierarchy (--hierarchy partial): mu_pr ~ N(0, 1), sigma ~ the prior above, <param>_pr ~ N(0, 1);")
            print("a parameter in (L, U) is L + (U - L) * Phi_approx(mu_pr + sigma * <param>_pr), as hBayesDM.")
            print("`rlfit models NAME` prints a model's file; write your own and fit it with --model FILE.rlm.")
            return
        }
        if ModelCatalog.isPath(name) {
            let m = try ModelCatalog.resolve(name)
            print(describe(m))
            for w in m.file.warnings { print(w) }
            return
        }
        guard let source = ModelCatalog.source(named: name) else { preconditionFailure("validate() checks the name") }
        print(source, terminator: source.hasSuffix("\n") ? "" : "\n")
    }

    func describe(_ m: ModelDefinition) -> String {
        let aliases = m.origin == .builtIn && m.name.hasPrefix("prl_") ? " (also \(m.name)_multipleB)" : ""
        var lines = ["\(m.name)\(aliases): \(m.summary)"]
        // Columns as wide as the longest name and range (padding never cuts one short).
        let nameWidth = m.parameters.map(\.name.count).max() ?? 0
        let rangeWidth = m.parameters.map(\.rangeDescription.count).max() ?? 0
        for p in m.parameters {
            lines.append(
                "  \(p.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0)) \(p.rangeDescription.padding(toLength: rangeWidth, withPad: " ", startingAt: 0)) \(p.meaning); group sd prior \(p.scalePrior.description)"
                    + (p.zScale != 1 ? ", subjects' deviations N(0, \(p.zScale))" : ""))
        }
        let options = m.optionCount.map { "1..\($0)" } ?? "1..K, K = largest option number"
        let columns = m.file.data.map { c -> String in
            let kind: String
            switch c.kind {
            case .option: kind = "option \(options)"
            case let .index(levels): kind = "index 1..\(levels.map(String.init) ?? "n")"
            case .binary: kind = "0/1"
            case .real: kind = "real"
            case .count: kind = "count 0, 1, 2, …"
            }
            return "\(c.name) (\(kind)\(c.observed ? ", observed" : "")\(c.coding.isEmpty ? "" : ": \(c.coding)"))"
        }
        lines.append("  data:   subjID, \(columns.joined(separator: ", ")); optional block, trial")
        if !m.file.arguments.isEmpty {
            lines.append(
                "  arguments: "
                    + m.file.arguments.map {
                        "\($0.name) = \(format($0.defaultValue))\($0.meaning.isEmpty ? "" : " (\($0.meaning))")"
                    }.joined(separator: ", "))
        }
        if !m.reference.isEmpty { lines.append("  follows \(m.reference)") }
        let typical = m.parameters.map { "\($0.name) = \(format($0.typicalValue))" }.joined(separator: ", ")
        if (try? StudySimulator.check(m)) != nil {
            let task = StudySimulator.task(for: m, options: 3).description
            lines.append(
                "  simulated around \(typical) (simulate, recover); task\(m.optionCount == nil && m.task.isBandit ? " with --options 3 (the default)" : ""): \(task)"
            )
        } else {
            lines.append("  typical values \(typical); not simulated (it reads columns its task does not produce)")
        }
        return lines.joined(separator: "\n")
    }

    func format(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x) }
}
