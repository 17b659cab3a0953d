import ArgumentParser
import Foundation
import RLFit

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare fits of the same data by subject-level PSIS-LOO, with stacking weights and Bayesian model selection.")

    @Argument(help: "Fit directories written by `rlfit fit`.") var directories: [String]

    func validate() throws {
        guard !directories.isEmpty else { throw ValidationError("give at least one fit directory") }
    }

    func run() throws {
        do {
            print(try ModelComparisonReport.compare(directories: directories).text)
        } catch let e as StanCSVReader.ReadError {
            printError("\(e)")
            throw ExitCodes.noInput
        } catch let e as ModelComparisonReport.ComparisonError {
            printError("\(e)")
            throw ExitCodes.badData
        }
    }
}
