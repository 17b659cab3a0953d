import ArgumentParser
import Foundation
import RLFit

struct LogLikCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loglik",
        abstract: "Write the trial-level log-likelihood of every draw: log p(choice_t | history, θ), long format.",
        discussion:
            "Rows subjID,[condition,]trial,draw,log_lik (draws × answered trials rows: large). Written one subject at a time; the per-subject sums are the chain files' log_lik.s."
    )

    @Argument(help: "A fit directory written by `rlfit fit`.") var directory: String
    @Option(help: "Output file (default DIR/log_lik_trial.csv).") var out: String?

    func run() throws {
        warnIfUnfinished(fit: directory)
        let path = out ?? (directory as NSString).appendingPathComponent("log_lik_trial.csv")
        try reportingInputErrors { try TrialLogLikelihood.write(directory: directory, to: path) }
        print("wrote \(path)")
    }
}
