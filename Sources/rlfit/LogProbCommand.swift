import ArgumentParser
import Foundation
import RLFit

/// `rlfit log-prob`: the log density and gradient at given unconstrained points
/// (`LogDensityAtPoints`), as CmdStan's `log_prob` method.
struct LogProbCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log-prob",
        abstract: "Log posterior density and its gradient at given points of the unconstrained space (as CmdStan's log_prob method).",
        discussion: """
            POINTS is a CSV file: a header naming every unconstrained coordinate (mu_pr.1 ..., \
            sigma.1 ... holding log sigma, A_pr.1 ... per subject in the data's order; a wrong \
            header lists them) and one point per row. Writes lp__ and grad.<coordinate> per \
            point, the density `rlfit fit` samples (Jacobian included, constants dropped as \
            Stan drops them). `--config FIT/run.json` evaluates with a fit's own settings. \
            Exit 65 bad data or points, 66 an unreadable input, 64 bad usage.
            """)

    @Argument(help: "hBayesDM-format trial table (TSV or CSV); default: the run file's.") var data: String?
    @Option(help: "A built-in model or a model file; default: the run file's.") var model: String?
    @Option(name: .customLong("arg"), help: "Set a model argument, NAME=VALUE (repeatable).") var arguments: [String] = []
    @Option(help: "Run file (JSON): priors, hierarchy, covariates and data options of a fit.") var config: String?
    @Option(help: "Hierarchy: partial (default), none or pooled.") var hierarchy: String?
    @OptionGroup var reading: DataReadingOptions
    @Option(help: "The points (CSV with a header of coordinate names).") var points: String?
    @Flag(name: .customLong("list-coordinates"), help: "Print the unconstrained coordinates' names, one per line, and exit.")
    var listCoordinates = false
    @Option(help: "Output CSV (default: standard output).") var out: String?

    func options() throws -> FitOptions {
        var file = RunFile()
        if let config {
            file = try RunFile.read(path: config)
            let unknown = RunFile.unknownKeys(path: config)
            guard unknown.isEmpty else { throw ValidationError("\(RunFileError.unknownKeys(unknown, path: config))") }
        }
        var line = RunFile()
        line.data = data
        line.model = model
        if !arguments.isEmpty { line.arguments = try ModelOption.argumentValues(arguments) }
        line.hierarchy = hierarchy
        line.condition = reading.condition
        line.columns = try reading.columnMap()
        line.firstOption = reading.firstOption
        line.trialTable = reading.trialTable
        var merged = file.overridden(by: line)
        merged.out = merged.out ?? "."  // nothing is written there
        return try FitOptions(runFile: merged)
    }

    func validate() throws {
        guard points != nil || listCoordinates else { throw ValidationError("give --points FILE (or --list-coordinates)") }
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
        let result = try reportingInputErrors { try LogDensityAtPoints.evaluate(options: try options(), pointsPath: points!) }
        if let out {
            try reportingInputErrors { try AtomicFile.write(Data(result.csv.utf8), to: out) }
        } else {
            print(result.csv, terminator: "")
        }
    }
}
