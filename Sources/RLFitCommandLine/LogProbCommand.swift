import ArgumentParser
import Foundation
import RLFit

/// `rlfit log-prob`: the log density and gradient at given unconstrained points
/// (`LogDensityAtPoints`), as CmdStan's `log_prob` method.
struct LogProbCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log-prob",
        abstract:
            "Log posterior density and its gradient at given points of the unconstrained space (as CmdStan's log_prob method).",
        discussion: """
            POINTS is a CSV file: a header naming every unconstrained coordinate (mu_pr.1 ..., \
            sigma.1 ... holding log sigma, A_pr.1 ... per subject in the data's order; a wrong \
            header lists them) and one point per row. Writes lp__ and grad.<coordinate> per \
            point, the density `rlfit fit` samples (Jacobian included, constants dropped as \
            Stan drops them). `--config FIT/run.json` evaluates with a fit's own settings. \
            Exit 65 bad data or points, 66 an unreadable input, 64 bad usage.

            Fit options:
            \(LogProbCommand.fitOptions.help)
            """)

    /// The fit options this command takes (their one declaration: `FitOptionDeclaration`).
    static let fitOptions = FitOptionParser(keys: [
        "data", "model", "arguments", "hierarchy", "condition", "columns", "first_option", "trial_table"
    ])

    @Argument(
        parsing: .allUnrecognized,
        help: ArgumentHelp(
            "DATA (default: the run file's) and the fit options listed below.",
            valueName: "DATA and fit options"))
    var fitArguments: [String] = []
    @Option(help: "Run file (JSON): priors, hierarchy, covariates and data options of a fit.") var config: String?
    @Option(help: "The points (CSV with a header of coordinate names).") var points: String?
    @Flag(
        name: .customLong("list-coordinates"),
        help: "Print the unconstrained coordinates' names, one per line, and exit.")
    var listCoordinates = false
    @Option(help: "Output CSV (default: standard output).") var out: String?

    func options() throws -> FitOptions {
        var file = RunFile()
        if let config { file = try RunFile.read(path: config) }
        let line = try Self.fitOptions.parse(fitArguments)
        var merged = file.overridden(by: line)
        merged.out = merged.out ?? "." // nothing is written there
        return try FitOptions(runFile: merged)
    }

    func validate() throws {
        guard points != nil || listCoordinates else {
            throw ValidationError("give --points FILE (or --list-coordinates)")
        }
        do {
            _ = try options()
        } catch let e as FitOptionsError {
            throw ValidationError(e.message)
        } catch let e as RunFileError {
            throw ValidationError(e.description)
        } catch {
            // A model file with a mistake is reported with its location when the command runs.
        }
    }

    func run() throws {
        if listCoordinates {
            let names = try reportingInputErrors { try LogDensityAtPoints.coordinateNames(options: try options()) }
            print(names.joined(separator: "\n"))
            return
        }
        let result = try reportingInputErrors {
            try LogDensityAtPoints.evaluate(options: try options(), pointsPath: points!)
        }
        if let out {
            try reportingInputErrors { try AtomicFile.write(Data(result.csv.utf8), to: out) }
        } else {
            print(result.csv, terminator: "")
        }
    }
}
