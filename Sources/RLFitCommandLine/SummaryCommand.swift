import ArgumentParser
import Foundation
import RLFit

struct SummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary", abstract: "Print a fit's report again from its chain files.")

    @Argument(help: "A fit directory written by `rlfit fit`.") var directory: String

    func run() throws {
        let contents: FitDirectory.Contents
        do {
            contents = try FitDirectory.read(directory)
        } catch {
            printError("\(error)")
            throw ExitCodes.noInput
        }
        let maxDepth = Int(contents.configuration["max_depth"] ?? "") ?? 10
        let manifest = FitDirectory.manifest(directory)
        let diagnostics = FitDiagnostics(
            chains: contents.chains, maxDepth: maxDepth,
            dataWarnings: manifest?["data_warnings"] as? [String] ?? [],
            adaptDelta: Double(contents.configuration["delta"] ?? ""),
            warmup: Int(contents.configuration["num_warmup"] ?? ""))
        if let note = contents.incompleteNote(directory: directory) { print(note + "\n") }
        let c = contents.configuration
        let title =
            "\(c["model"] ?? "model") on \(c["file"] ?? "data"): \(contents.chains.count) chains × \(diagnostics.drawsPerChain) draws (\(c["num_warmup"] ?? "?") warmup), \(c["metric"] == "dense_e" ? "dense" : "diag") metric"
        print(FitReport(title: title, diagnostics: diagnostics).text)
    }
}
