import ArgumentParser
import RLFit
import RLModels

struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Simulate a study from a model; writes the trial table and FILE.truth.json.",
        discussion: """
            Subjects are drawn from the model's default group values (bandit2arm_delta: median \
            A = 0.3, tau = 2.5, sigma = 0.35 on the probit-like scale), or from --group and \
            --group-sd. The task is a bandit \
            paying +1 or -1 whose reward probabilities reverse halfway through each block, or, \
            for the prl models, probabilistic reversal learning as den Ouden et al. (2013): \
            0.8 / 0.2, reversed after 5-9 consecutive choices of the better option \
            (--reward-probabilities and --reversal change it). The same seed gives the same file.
            """)

    @OptionGroup var model: ModelOption
    @OptionGroup var task: TaskOption
    @OptionGroup var group: GroupOption

    @Option(help: "Number of subjects.") var subjects: Int
    @Option(help: "Trials per subject (split evenly across blocks).") var trials: Int
    @Option(help: "Random seed.") var seed: UInt64
    @Option(help: "Blocks per subject; values reset at each block start.") var blocks: Int = 1
    @Option(help: "Probability that a trial is missed (choice NA).") var missing: Double = 0
    @Option(help: "Output file (tab-separated).") var out: String

    func validate() throws {
        guard subjects >= 1 else { throw ValidationError("--subjects must be at least 1") }
        guard trials >= 1 else { throw ValidationError("--trials must be at least 1") }
        guard blocks >= 1 && blocks <= trials else { throw ValidationError("--blocks must be between 1 and --trials") }
        guard missing >= 0 && missing < 1 else { throw ValidationError("--missing must be in [0, 1)") }
    }

    func run() throws {
        let definition = try reportingInputErrors { try model.definition() }
        let bandit = try task.task(for: definition)
        let options = definition.task.isBandit ? try task.optionCount(for: definition) : nil
        let simulatedTask = StudySimulator.task(for: definition, bandit: bandit, options: options)
        let study = try reportingInputErrors {
            try StudySimulator.simulate(
                model: definition, subjects: subjects, trials: trials, blocks: blocks,
                missingProbability: missing, seed: seed, group: try group.values(for: definition),
                options: options, task: bandit)
        }
        try SimulationWriter.write(
            study, model: definition, seed: seed, blocks: blocks, missingProbability: missing,
            task: simulatedTask, to: out)
        print("wrote \(out) (\(subjects) subjects × \(trials) trials) and \(out).truth.json")
    }
}
