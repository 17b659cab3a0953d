import ModelLanguage
import RLModels
/// A learning rule and its choice rule, as the scan runs them (DESIGN.md §3). Each field names
/// a variant; parameters are referred to by their index in the model's parameter list.
///
/// Per subject, per trial t, with values Q (K options, Q₀ = 0, reset at each block start):
///
///     utilities  u_k = τ·Q_k + b_k        b: none | κ·[k = previous choice in the block]
///                                            | −τ·α on option 1 (indecision point, K = 2)
///     choice     P(c = k) = softmax(u)_k
///     chosen     Q_c ← Q_c + A·(r − Q_c)  A: single | by the sign of r − Q_c | by the sign of r
///     unchosen   unchanged | Q_k ← Q_k + F·(0 − Q_k) (forgetting)
///                         | Q_o ← Q_o + A·(−r − Q_o) (fictitious update, K = 2)
///
/// A missed trial adds no likelihood, updates nothing and does not change the previous choice.
public struct LearningRule: Sendable, Equatable {
    public enum Rate: Sendable, Equatable {
        /// One learning rate.
        case single(Int)
        /// `positive` when r − Q_c ≥ 0, else `negative` (dual learning rates).
        case byPredictionErrorSign(positive: Int, negative: Int)
        /// `positive` when r > 0, else `otherwise` (hBayesDM's prl_rp: chosen by the outcome).
        case byOutcomeSign(positive: Int, otherwise: Int)
    }

    public enum Unchosen: Sendable, Equatable {
        case unchanged
        /// Unchosen values decay toward Q₀ = 0 at rate F (the parameter's index).
        case forget(Int)
        /// The unchosen option learns the opposite outcome −r at the chosen option's rate (K = 2).
        case fictitious
    }

    public enum Bias: Sendable, Equatable {
        case none
        /// κ added to the utility of the previous choice within the block (perseveration).
        case stickiness(Int)
        /// Option 1's utility lowered by τ·α: P(option 1) = 1 / (1 + exp(τ·(α − (Q₁ − Q₂)))),
        /// hBayesDM's prl_fictitious indecision point (K = 2).
        case indecision(Int)
    }

    public var rate: Rate
    public var unchosen: Unchosen
    /// Index of the inverse temperature τ (β in hBayesDM's prl models).
    public var inverseTemperature: Int
    public var bias: Bias

    public init(rate: Rate, unchosen: Unchosen = .unchanged, inverseTemperature: Int, bias: Bias = .none) {
        self.rate = rate
        self.unchosen = unchosen
        self.inverseTemperature = inverseTemperature
        self.bias = bias
    }

    /// Whether the rule only makes sense for two options.
    public var requiresTwoOptions: Bool {
        if case .fictitious = unchosen { return true }
        if case .indecision = bias { return true }
        return false
    }
}
