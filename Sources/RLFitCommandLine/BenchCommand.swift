import ArgumentParser
import Foundation
import RLFit
import RLModels

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Performance measurements.", subcommands: [GradientBench.self])
}

struct GradientBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gradient",
        abstract: "Median time of one log density + gradient evaluation, per subject-trial.",
        discussion: "Build with `swift build -c release` first; a debug build is 10-100 times slower.")

    @Option(help: "A built-in model or a model file.") var model: String = "bandit2arm_delta"
    @Option(help: "Simulated subjects.") var subjects: Int = 100
    @Option(help: "Trials per subject.") var trials: Int = 200
    @Option(help: "Timed samples (each the mean of 5 evaluations).") var repeats: Int = 200

    func validate() throws {
        guard ModelCatalog.isPath(model) || ModelCatalog.model(named: model) != nil else {
            throw ValidationError(ModelCatalog.unknownModelMessage(model))
        }
        guard subjects >= 1, trials >= 1, repeats >= 1 else {
            throw ValidationError("--subjects, --trials and --repeats must be positive")
        }
    }

    func run() throws {
        let r = try reportingInputErrors {
            try GradientBenchmark(
                model: ModelCatalog.resolve(model), subjects: subjects, trials: trials, repeats: repeats
            ).run()
        }
        print(
            String(
                format: "%@: %d subjects × %d trials, median %.1f µs per log density + gradient (min %.1f µs)",
                model, subjects, trials, r.medianSeconds * 1e6, r.minimumSeconds * 1e6))
        print(String(format: "%.2f ns per subject-trial", r.nanosecondsPerSubjectTrial))
        print(
            String(
                format:
                    "tape %.2f MB per gradient (%d bytes per subject-trial of a lane block: up to %d subjects run at once); all the likelihood's memory %.2f MB",
                Double(r.tapeBytes) / 1e6,
                r.tapeBytes / (min(subjects, LaneLikelihood.defaultLanesPerBlock) * trials),
                LaneLikelihood.defaultLanesPerBlock, Double(r.machineBytes) / 1e6))
        print(
            String(
                format:
                    "{\"model\": \"%@\", \"subjects\": %d, \"trials\": %d, \"gradient_ns_per_subject_trial\": %.3f, \"tape_bytes\": %d}",
                model, subjects, trials, r.nanosecondsPerSubjectTrial, r.tapeBytes))
    }
}
