import ArgumentParser
import Foundation
import RLFit
import ModelLanguage
import RLModels
import Sampling

/// sysexits(3) codes: 64 bad usage (ArgumentParser's validation errors, a model the command
/// cannot run), 65 bad data or a model file with a mistake, 66 an input file that does not
/// exist or cannot be read, 73 an output that cannot be created.
enum ExitCodes {
    static let badData = ExitCode(65)
    static let noInput = ExitCode(66)
    static let cannotCreate = ExitCode(73)
    static let badUsage = ExitCode(64)
}

/// Prints to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Runs `body`, turning a `DataError` or `ModelFileError` into its message on stderr and exit
/// code 65 (66 when the file could not be read), a model the command cannot simulate or an
/// `--arg` the model does not have into 64, a fit directory that cannot be read (no fit,
/// damaged chain files) into 66, fits that cannot be compared into 65.
func reportingInputErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as DataError {
        printError(error.description)
        throw error.kind == .unreadable ? ExitCodes.noInput : ExitCodes.badData
    } catch let error as ModelFileError {
        printError(error.description)
        throw error.kind == .unreadable ? ExitCodes.noInput : ExitCodes.badData
    } catch let error as SimulationError {
        printError("error: " + error.message)
        throw ExitCodes.badUsage
    } catch let error as ModelArgumentError {
        printError("error: " + error.description)
        throw ExitCodes.badUsage
    } catch let error as OutputDirectory.Problem {
        printError(error.description)
        throw ExitCodes.cannotCreate
    } catch let error as AtomicFile.WriteError {
        printError(error.description)
        throw ExitCodes.cannotCreate
    } catch let error as FitResources.Refusal {
        printError(error.description)
        throw error.kind == .memory ? ExitCodes.badUsage : ExitCodes.cannotCreate
    } catch let error as FitReplayError {
        printError("error: " + error.message)
        throw ExitCodes.noInput
    } catch let error as StanCSVReader.ReadError {
        printError(error.description)
        throw ExitCodes.noInput
    } catch let error as ModelComparisonReport.ComparisonError {
        printError(error.description)
        throw ExitCodes.badData
    } catch is CancellationError {
        // Ctrl-C or SIGTERM while the data were read: nothing was written.
        printError("interrupted while reading the data: nothing was written")
        throw ExitCode(130)
    } catch let error as SamplingError {
        // A chain that cannot start: the data, model and priors leave no finite density (65),
        // or settings the options' checks let through (64).
        printError("error: " + error.description)
        if case .invalidConfiguration = error { throw ExitCodes.badUsage }
        throw ExitCodes.badData
    } catch let error as ChainStateCoding.Malformed {
        printError("error: " + error.description)
        throw ExitCodes.badData
    }
}

/// A replay of a fit that has not finished (interrupted, or still running) works on the draws
/// that exist: said on stderr before it starts. A directory without `run.json` (which a fit
/// writes before its first draw) holds no fit at all; the replay's own error says so.
func warnIfUnfinished(fit directory: String) {
    let run = (directory as NSString).appendingPathComponent("run.json")
    if FileManager.default.fileExists(atPath: run) && !FitDirectory.isFinished(directory) {
        printError(FitDirectory.unfinishedWarning(directory))
    }
}
