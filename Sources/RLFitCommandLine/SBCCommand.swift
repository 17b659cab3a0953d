import ArgumentParser
import Foundation
import RLFit
import RLModels

struct SBCCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sbc",
        abstract:
            "Simulation-based calibration (Talts et al. 2018): rank statistics of prior-drawn truths among posterior draws."
    )

    @OptionGroup var model: ModelOption
    @OptionGroup var task: TaskOption
    @Option(help: "Simulated studies.") var replicates: Int = 100
    @Option(help: "Subjects per study.") var subjects: Int = 10
    @Option(help: "Trials per subject.") var trials: Int = 100
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "Warmup iterations per chain.") var warmup: Int = 300
    @Option(help: "Draws per chain.") var draws: Int = 300
    @Option(help: "Posterior draws each rank is taken among.") var rankDraws: Int = 99
    @Option(help: "Histogram bins for the uniformity check.") var bins: Int = 10
    @Option(help: "Also write every rank as CSV to this file.") var out: String?

    func validate() throws {
        guard replicates >= 2, subjects >= 2, trials >= 1, draws >= 10, warmup >= 0, bins >= 2, rankDraws >= bins - 1
        else {
            throw ValidationError(
                "need --replicates ≥ 2, --subjects ≥ 2, --trials ≥ 1, --draws ≥ 10, --bins ≥ 2, --rank-draws ≥ bins − 1"
            )
        }
        guard 2 * draws >= rankDraws else {
            throw ValidationError("--rank-draws must not exceed the draws of 2 chains (\(2 * draws))")
        }
    }

    func run() throws {
        let definition = try reportingInputErrors { () throws -> ModelDefinition in
            let m = try model.definition()
            // The task this run simulates (--options, --reward-probabilities), so a refusal
            // describes it.
            try StudySimulator.task(for: m, bandit: try task.task(for: m)).check(m)
            return m
        }
        var o = SimulationBasedCalibration.Options(model: definition)
        o.replicates = replicates
        o.subjects = subjects
        o.trials = trials
        o.seed = seed
        o.task = try task.task(for: definition)
        o.options =
            definition.optionCount == nil && definition.task.isBandit ? try task.optionCount(for: definition) : nil
        o.warmup = warmup
        o.draws = draws
        o.rankDraws = rankDraws
        o.bins = bins
        let sbc = try SimulationBasedCalibration.run(o) { done in
            if done % max(1, replicates / 10) == 0 { printError("replicate \(done) of \(replicates)") }
        }
        print(sbc.text)
        if let out {
            do { try AtomicFile.write(Data(sbc.csv.utf8), to: out) } catch {
                printError("\(error)")
                throw ExitCodes.cannotCreate
            }
        }
    }
}
