import Foundation

/// How a model turns the data's numeric columns into the reward r of each trial.
public enum RewardDefinition: Sendable, Equatable {
    /// r = the column as given (bandit2arm_delta's `outcome`).
    case column(String)
    /// r = sign(column), hBayesDM's preprocessing for the prl models (±25 points → ±1).
    case signOf(String)
    /// r = gain − |loss|, hBayesDM's banditNarm preprocessing (`rew = gain`, `los = −|loss|`).
    case gainMinusLoss(gain: String, loss: String)

    /// The columns the definition reads.
    public var columns: [String] {
        switch self {
        case let .column(c), let .signOf(c): return [c]
        case let .gainMinusLoss(g, l): return [g, l]
        }
    }

    /// r for every slot of the batch (0 on masked slots).
    public func rewards(_ batch: TrialBatch) -> [Double] {
        switch self {
        case let .column(c):
            return batch.column(c)
        case let .signOf(c):
            return batch.column(c).map { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }
        case let .gainMinusLoss(g, l):
            return zip(batch.column(g), batch.column(l)).map { $0 - abs($1) }
        }
    }

    /// One line for `rlfit models`.
    public var description: String {
        switch self {
        case let .column(c): return "reward = \(c)"
        case let .signOf(c): return "reward = sign(\(c))"
        case let .gainMinusLoss(g, l): return "reward = \(g) - |\(l)|"
        }
    }
}

/// The kind of task a model's reference study ran.
public enum TaskDesign: Sendable, Equatable {
    /// A bandit whose reward probabilities reverse once, halfway (`BanditTask.standard`).
    case bandit
    /// Probabilistic reversal learning: reversals after runs of correct choices
    /// (`BanditTask.probabilisticReversal`).
    case probabilisticReversal
}

/// A model of the catalog: its name (hBayesDM's where hBayesDM has it), per-subject
/// parameters, the data it reads and how it makes rewards of them, the learning rule, the
/// outcome coding it documents, and the reference it follows.
public struct ModelDefinition: Sendable {
    public let name: String
    public let summary: String
    public let parameters: [ParameterSpec]
    /// Options: fixed (K = 2) or nil, inferred from the data as the largest choice.
    public let optionCount: Int?
    public let reward: RewardDefinition
    public let rule: LearningRule
    /// The documented outcome coding, e.g. "reward = 1, loss = −1".
    public let outcomeCoding: String
    /// The reward values the documented coding uses (for the coding check); nil = any real.
    public let documentedRewardValues: Set<Double>?
    /// The reference the model follows.
    public let reference: String
    /// The task the reference study ran, which simulations (`simulate`, `recover`, `sbc`) use.
    public let task: TaskDesign

    public init(
        name: String, summary: String, parameters: [ParameterSpec], optionCount: Int?, reward: RewardDefinition,
        rule: LearningRule, outcomeCoding: String, documentedRewardValues: Set<Double>?, reference: String,
        task: TaskDesign = .bandit
    ) {
        precondition(!rule.requiresTwoOptions || optionCount == 2, "\(name): the rule needs exactly two options")
        self.name = name
        self.summary = summary
        self.parameters = parameters
        self.optionCount = optionCount
        self.reward = reward
        self.rule = rule
        self.outcomeCoding = outcomeCoding
        self.documentedRewardValues = documentedRewardValues
        self.reference = reference
        self.task = task
    }

    /// What the reader must find in the data file.
    public var data: DataRequirements {
        DataRequirements(optionCount: optionCount, numericColumns: reward.columns)
    }

    /// The likelihood of a batch (one instance per chain: not thread-safe).
    public func makeLikelihood(_ batch: TrialBatch) -> SubjectLikelihood {
        RuleScan(rule: rule, parameterCount: parameters.count, batch: batch, reward: reward.rewards(batch))
    }

    /// The index of the parameter called `name`.
    public func parameterIndex(_ name: String) -> Int? {
        parameters.firstIndex { $0.name == name }
    }
}
