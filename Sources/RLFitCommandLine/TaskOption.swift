import ArgumentParser
import RLModels

/// `--options`, `--reward-probabilities` and `--reversal`: the simulated task, for `simulate`,
/// `recover` and `sbc`. Without them each model gets its reference study's task
/// (`BanditTask.standard(for:options:)`), with 3 options where the model takes K from the data.
struct TaskOption: ParsableArguments {
    @Option(
        help:
            "Options K, for models that take K from the data (default: as many as --reward-probabilities lists, else 3)."
    )
    var options: Int?

    @Option(
        name: .customLong("reward-probabilities"),
        help:
            "P(+1) of each option before any reversal, e.g. 0.8,0.2 (default: 0.7,0.3 for 2 options; 0.8 down to 0.2 for more; 0.8,0.2 for the prl models)."
    )
    var rewardProbabilities: String?

    @Option(
        help:
            "When the probabilities reverse: never, halfway (of every block), or after-correct=MIN-MAX (after a run of MIN to MAX consecutive choices of the best option, drawn afresh each time, as den Ouden et al. 2013; the prl models' default is after-correct=5-9)."
    )
    var reversal: String?

    func validate() throws {
        if let options { guard options >= 2 else { throw ValidationError("--options must be at least 2") } }
        if let rewardProbabilities { _ = try Self.probabilities(rewardProbabilities) }
        if let reversal { _ = try Self.reversalRule(reversal) }
    }

    /// K for `model`: its fixed count, or --options, or the number of --reward-probabilities, or 3.
    func optionCount(for model: ModelDefinition) throws -> Int {
        if let fixed = model.optionCount {
            if let options, options != fixed {
                throw ValidationError("\(model.name) has \(fixed) options; drop --options \(options)")
            }
            return fixed
        }
        if let options { return options }
        if let rewardProbabilities { return try Self.probabilities(rewardProbabilities).count }
        return 3
    }

    /// The bandit design for `model`: the model's default with the flags applied; nil for a
    /// model simulated on another task (go/no-go, two-step …), which has no options, reward
    /// probabilities or reversals to set: those flags are refused there.
    func task(for model: ModelDefinition) throws -> BanditTask? {
        guard model.task.isBandit else {
            guard options == nil, rewardProbabilities == nil, reversal == nil else {
                throw ValidationError(
                    "\(model.name) is simulated on its own task (\(StudySimulator.task(for: model).description)); drop --options, --reward-probabilities and --reversal"
                )
            }
            return nil
        }
        let k = try optionCount(for: model)
        var task = BanditTask.standard(for: model, options: k)
        if let rewardProbabilities {
            let p = try Self.probabilities(rewardProbabilities)
            guard p.count == k else {
                throw ValidationError(
                    "--reward-probabilities lists \(p.count) options but \(model.name) is simulated with \(k); give \(k) values"
                )
            }
            task.rewardProbabilities = p
        }
        if let reversal { task.reversal = try Self.reversalRule(reversal) }
        return task
    }

    static func probabilities(_ text: String) throws -> [Double] {
        let values = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard values.count >= 2, values.allSatisfy({ $0 != nil && $0! >= 0 && $0! <= 1 }) else {
            throw ValidationError(
                "--reward-probabilities takes two or more probabilities in [0, 1] separated by commas, e.g. 0.8,0.2; got '\(text)'"
            )
        }
        return values.map { $0! }
    }

    static func reversalRule(_ text: String) throws -> BanditTask.Reversal {
        switch text {
        case "never": return .never
        case "halfway": return .halfway
        default:
            let prefix = "after-correct="
            if text.hasPrefix(prefix) {
                let bounds = text.dropFirst(prefix.count).split(separator: "-").map { Int($0) }
                if bounds.count == 1, let n = bounds[0], n >= 1 { return .afterCorrectRun(n...n) }
                if bounds.count == 2, let lo = bounds[0], let hi = bounds[1], lo >= 1, lo <= hi {
                    return .afterCorrectRun(lo...hi)
                }
            }
            throw ValidationError(
                "--reversal takes never, halfway or after-correct=MIN-MAX (e.g. after-correct=5-9, MIN ≥ 1); got '\(text)'"
            )
        }
    }
}
