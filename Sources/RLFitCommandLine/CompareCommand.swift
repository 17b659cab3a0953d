import ArgumentParser
import Foundation
import RLFit

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract:
            "Compare fits of the same data by subject-level PSIS-LOO, with stacking weights and Bayesian model selection."
    )

    @Argument(help: "Fit directories written by `rlfit fit`.") var directories: [String]
    @Option(
        help:
            "Observations: subject (default; hBayesDM's log_lik) or trial (each answered trial; replays the draws, needs run.json and the data)."
    )
    var level: String = "subject"
    @Option(help: "Also write every observation's elpd_loo, p_loo and Pareto k (all models) as CSV to this file.")
    var pointwise: String?
    @Flag(
        name: .customLong("allow-incomplete"),
        help: "Compare a fit that did not finish (interrupted, or still running) with the draws it has.")
    var allowIncomplete = false

    func validate() throws {
        guard !directories.isEmpty else { throw ValidationError("give at least one fit directory") }
        guard ModelComparisonReport.Level(rawValue: level) != nil else {
            throw ValidationError("--level must be subject or trial")
        }
    }

    func run() throws {
        try reportingInputErrors {
            let report = try ModelComparisonReport.compare(
                directories: directories, level: ModelComparisonReport.Level(rawValue: level)!,
                allowIncomplete: allowIncomplete)
            print(report.text)
            if let pointwise { try AtomicFile.write(Data(report.pointwiseCSV.utf8), to: pointwise) }
        }
    }
}
