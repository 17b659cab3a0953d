import ArgumentParser
import Foundation
import RLFit
import RLModels

struct RecoverCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recover",
        abstract: "Parameter recovery: simulate studies from known group values, fit them, compare with the truth.",
        discussion: """
            Reports, per parameter, the correlation between subjects' posterior means and their \
            true values, the bias and RMSE of the posterior mean, and the 90% interval coverage. \
            Group values: the model's typical values (see `rlfit models`), --group A=0.3,tau=2.5 \
            (medians on the natural scale, with --group-sd on the Phi_approx scale), or \
            --from-prior (each replicate draws them from the hierarchy's priors). The task: see \
            `rlfit simulate --help`.
            """)

    @OptionGroup var model: ModelOption
    @OptionGroup var task: TaskOption
    @Option(help: "Subjects per simulated study.") var subjects: Int = 50
    @Option(help: "Trials per subject.") var trials: Int = 200
    @Option(help: "Blocks per subject.") var blocks: Int = 1
    @Option(help: "Simulated studies.") var replicates: Int = 1
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "Warmup iterations per chain.") var warmup: Int = 500
    @Option(help: "Draws per chain.") var draws: Int = 500
    @Option(help: "Chains per fit.") var chains: Int = 2
    @OptionGroup var group: GroupOption
    @Flag(name: .customLong("from-prior"), help: "Draw each replicate's group values from the priors.") var fromPrior =
        false
    @Option(help: "Also write the table as CSV to this file.") var out: String?

    func validate() throws {
        guard subjects >= 2, trials >= 1, replicates >= 1, chains >= 1, draws >= 10, warmup >= 0, blocks >= 1,
            blocks <= trials
        else {
            throw ValidationError(
                "need --subjects ≥ 2, --trials ≥ 1, --replicates ≥ 1, --chains ≥ 1, --draws ≥ 10, 1 ≤ --blocks ≤ --trials"
            )
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
        var o = Recovery.Options(model: definition)
        o.subjects = subjects
        o.trials = trials
        o.blocks = blocks
        o.options =
            definition.optionCount == nil && definition.task.isBandit ? try task.optionCount(for: definition) : nil
        o.replicates = replicates
        o.seed = seed
        o.task = try task.task(for: definition)
        o.warmup = warmup
        o.draws = draws
        o.chains = chains
        o.threads = min(ProcessInfo.processInfo.activeProcessorCount, chains)
        o.group = try group.values(for: definition)
        o.fromPrior = fromPrior
        let recovery = try Recovery.run(o) { done in printError("replicate \(done) of \(replicates) fitted") }
        print(recovery.text)
        if let out {
            do { try AtomicFile.write(Data(recovery.csv.utf8), to: out) } catch {
                printError("\(error)")
                throw ExitCodes.cannotCreate
            }
        }
    }
}
