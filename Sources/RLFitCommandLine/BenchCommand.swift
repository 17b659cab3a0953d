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
    @Option(
        help: ArgumentHelp(
            "A second model (built-in or file) timed in turn with --model on the same study size, sample by sample; prints the ratio of their costs per subject-trial (--model over this), the median over pairs of samples.",
            valueName: "model"))
    var baseline: String?
    @Option(help: "Simulated subjects.") var subjects: Int = 100
    @Option(help: "Trials per subject.") var trials: Int = 200
    @Option(help: "Timed samples (each the mean of 5 evaluations).") var repeats: Int = 200

    func validate() throws {
        for name in [model] + (baseline.map { [$0] } ?? []) {
            guard ModelCatalog.isPath(name) || ModelCatalog.model(named: name) != nil else {
                throw ValidationError(ModelCatalog.unknownModelMessage(name))
            }
        }
        guard subjects >= 1, trials >= 1, repeats >= 1 else {
            throw ValidationError("--subjects, --trials and --repeats must be positive")
        }
    }

    func run() throws {
        let benchmark = try reportingInputErrors {
            GradientBenchmark(
                model: try ModelCatalog.resolve(model), subjects: subjects, trials: trials, repeats: repeats)
        }
        guard let baseline else {
            let r = try reportingInputErrors { try benchmark.run() }
            report(model, r)
            print(json(model, r))
            return
        }
        let c = try reportingInputErrors { try benchmark.compare(baseline: try ModelCatalog.resolve(baseline)) }
        report(model, c.model)
        report(baseline, c.baseline)
        print(
            String(
                format: "%@ costs %.3f times %@ per subject-trial (median over %d pairs of samples timed in turn)",
                model, c.medianRatio, baseline, repeats))
        print(
            String(
                format: "{\"model\": %@, \"baseline\": %@, \"ratio_per_subject_trial\": %.4f}", json(model, c.model),
                json(baseline, c.baseline), c.medianRatio))
    }

    private func report(_ name: String, _ r: GradientBenchmark.Result) {
        print(
            String(
                format: "%@: %d subjects × %d trials, median %.1f µs per log density + gradient (min %.1f µs)",
                name, subjects, trials, r.medianSeconds * 1e6, r.minimumSeconds * 1e6))
        print(String(format: "%.2f ns per subject-trial", r.nanosecondsPerSubjectTrial))
        print(
            String(
                format:
                    "tape %.2f MB per gradient (%d bytes per subject-trial of a lane block: up to %d subjects run at once); all the likelihood's memory %.2f MB",
                Double(r.tapeBytes) / 1e6,
                r.tapeBytes / (min(subjects, LaneLikelihood.defaultLanesPerBlock) * trials),
                LaneLikelihood.defaultLanesPerBlock, Double(r.machineBytes) / 1e6))
    }

    private func json(_ name: String, _ r: GradientBenchmark.Result) -> String {
        String(
            format:
                "{\"model\": \"%@\", \"subjects\": %d, \"trials\": %d, \"gradient_ns_per_subject_trial\": %.3f, \"tape_bytes\": %d}",
            name, subjects, trials, r.nanosecondsPerSubjectTrial, r.tapeBytes)
    }
}
