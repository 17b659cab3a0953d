import ArgumentParser
import Foundation
import RLFit

/// `rlfit`: fit reinforcement-learning models of choice to whole studies.
@main
struct RLFitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rlfit",
        abstract: "Hierarchical Bayesian fits of reinforcement-learning models of choice (NUTS).",
        version: RLFitVersion.string,
        subcommands: [
            FitCommand.self, GridCommand.self, SummaryCommand.self, CompareCommand.self, RecoverCommand.self,
            SBCCommand.self, TrajectoriesCommand.self, LogLikCommand.self, LogProbCommand.self, CheckCommand.self,
            SimulateCommand.self, ModelsCommand.self, BenchCommand.self
        ]
    )

    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exit(withError: error)
        }
    }
}
