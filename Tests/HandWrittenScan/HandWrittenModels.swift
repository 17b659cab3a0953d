import ModelLanguage
import RLModels

/// The seven models as they were hand-written before the model language replaced them: each
/// model's rule (`LearningRule`, run by `RuleScan`) and how it made rewards of the data. Frozen
/// here as the reference the language's built-in files are tested against (log density and
/// gradient equal to 1e-12) and benchmarked against (cost per gradient).
public enum HandWrittenModels {
    /// The rule of the model called `name`.
    public static func rule(_ name: String) -> LearningRule {
        switch name {
        case "bandit2arm_delta", "banditNarm_delta": return LearningRule(rate: .single(0), inverseTemperature: 1)
        case "delta_forget": return LearningRule(rate: .single(0), unchosen: .forget(2), inverseTemperature: 1)
        case "delta_dual":
            return LearningRule(rate: .byPredictionErrorSign(positive: 0, negative: 1), inverseTemperature: 2)
        case "delta_stick": return LearningRule(rate: .single(0), inverseTemperature: 1, bias: .stickiness(2))
        case "prl_rp": return LearningRule(rate: .byOutcomeSign(positive: 1, otherwise: 0), inverseTemperature: 2)
        case "prl_fictitious":
            return LearningRule(rate: .single(0), unchosen: .fictitious, inverseTemperature: 2, bias: .indecision(1))
        default: preconditionFailure("no hand-written scan for \(name)")
        }
    }

    /// The reward of every slot as the hand-written catalog defined it: the outcome; its sign
    /// (prl models); gain − |loss| (banditNarm_delta).
    public static func rewards(_ name: String, batch: TrialBatch) -> [Double] {
        switch name {
        case "banditNarm_delta": return zip(batch.column("gain"), batch.column("loss")).map { $0 - abs($1) }
        case "prl_rp", "prl_fictitious": return batch.column("outcome").map { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }
        default: return batch.column("outcome")
        }
    }

    /// The hand-written likelihood of `name` on a batch.
    public static func likelihood(_ name: String, batch: TrialBatch, parameterCount: Int) -> RuleScan {
        RuleScan(rule: rule(name), parameterCount: parameterCount, batch: batch, reward: rewards(name, batch: batch))
    }

    public static let names = [
        "bandit2arm_delta", "banditNarm_delta", "delta_forget", "delta_dual", "delta_stick", "prl_rp", "prl_fictitious"
    ]
}
