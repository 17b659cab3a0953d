import ArgumentParser
import Foundation
import RLFit

struct TrajectoriesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trajectories",
        abstract:
            "Write DIR/trajectories.csv: per trial the values, prediction error and choice probabilities (posterior mean, 90% interval).",
        discussion:
            "For model-based fMRI and similar analyses. Reads the fit's chain files, run.json and its data file.")

    @Argument(help: "A fit directory written by `rlfit fit`.") var directory: String
    @Option(name: .customLong("max-draws"), help: "Draws used (evenly thinned).") var maxDraws: Int = 1000

    func run() throws {
        warnIfUnfinished(fit: directory)
        let path = (directory as NSString).appendingPathComponent("trajectories.csv")
        try reportingInputErrors {
            let text = try Trajectories.csv(directory: directory, maxDraws: max(1, maxDraws))
            try AtomicFile.write(Data(text.utf8), to: path)
        }
        print("wrote \(path)")
    }
}
