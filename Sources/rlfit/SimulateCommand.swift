import ArgumentParser
import RLFit
import RLModels

struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Simulate a study from a model; writes the trial table and FILE.truth.json.",
        discussion: """
            Subjects are drawn from the model's default group values (bandit2arm_delta: median \
            A = 0.3, tau = 2.5, sigma = 0.35 on the probit-like scale); the task is a bandit \
            whose reward probabilities reverse halfway through each block. The same seed gives \
            the same file.
            """)

    @OptionGroup var model: ModelOption

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
        let definition = model.definition
        let study = StudySimulator.simulate(
            model: definition, subjects: subjects, trials: trials, blocks: blocks,
            missingProbability: missing, seed: seed)
        try SimulationWriter.write(study, model: definition, seed: seed, blocks: blocks, missingProbability: missing, to: out)
        print("wrote \(out) (\(subjects) subjects × \(trials) trials) and \(out).truth.json")
    }
}
