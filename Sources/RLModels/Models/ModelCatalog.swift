/// The models RLFit fits, by name: hBayesDM's where hBayesDM has them (same names, parameters,
/// bounds, priors and outcome coding, so users can switch), and the variants hBayesDM users
/// had to write in Stan themselves (DESIGN.md §3, §8). Every model handles blocks (values and
/// the previous choice reset at each block start, parameters shared), missed trials and
/// unequal trial counts.
public enum ModelCatalog {
    static let learningRate = ParameterSpec(name: "A", transform: .phiApprox(upper: 1), meaning: "learning rate", typicalValue: 0.3)
    static let inverseTemperature = ParameterSpec(name: "tau", transform: .phiApprox(upper: 5), meaning: "inverse temperature", typicalValue: 2.5)

    /// hBayesDM's `bandit2arm_delta`: Rescorla–Wagner learning, softmax choice, 2 options.
    public static let bandit2armDelta = ModelDefinition(
        name: "bandit2arm_delta",
        summary: "Rescorla-Wagner (delta) learning, softmax choice, 2 options",
        parameters: [learningRate, inverseTemperature],
        optionCount: 2, reward: .column("outcome"),
        rule: LearningRule(rate: .single(0), inverseTemperature: 1),
        outcomeCoding: "reward = 1, loss = -1", documentedRewardValues: [1, -1],
        reference: "hBayesDM bandit2arm_delta (Erev et al. 2010; Hertwig et al. 2004); Ahn, Haines & Zhang 2017")

    /// hBayesDM's `banditNarm_delta`: the same rule for K options, reward = gain − |loss|.
    public static let banditNarmDelta = ModelDefinition(
        name: "banditNarm_delta",
        summary: "Rescorla-Wagner (delta) learning, softmax choice, K options (K = largest choice)",
        parameters: [learningRate, inverseTemperature],
        optionCount: nil, reward: .gainMinusLoss(gain: "gain", loss: "loss"),
        rule: LearningRule(rate: .single(0), inverseTemperature: 1),
        outcomeCoding: "gain >= 0 and loss <= 0 per trial (e.g. gain 0/1, loss 0/-1); reward = gain - |loss|",
        documentedRewardValues: [-1, 0, 1],
        reference: "hBayesDM banditNarm_delta (Erev et al. 2010; Hertwig et al. 2004)")

    /// Forgetting: unchosen values decay toward Q₀ = 0 at rate F.
    public static let deltaForget = ModelDefinition(
        name: "delta_forget",
        summary: "delta learning with forgetting of unchosen options, softmax choice, K options",
        parameters: [learningRate, inverseTemperature,
                     ParameterSpec(name: "F", transform: .phiApprox(upper: 1), meaning: "forgetting rate of unchosen options", typicalValue: 0.2)],
        optionCount: nil, reward: .column("outcome"),
        rule: LearningRule(rate: .single(0), unchosen: .forget(2), inverseTemperature: 1),
        outcomeCoding: "reward = 1, loss = -1 (any real outcome is accepted)", documentedRewardValues: [1, -1],
        reference: "RLFit; forgetting as in Ito & Doya (2009), unchosen Q decays toward Q0 = 0")

    /// Dual learning rates: A_pos when the prediction error is ≥ 0, else A_neg.
    public static let deltaDual = ModelDefinition(
        name: "delta_dual",
        summary: "delta learning with separate rates for positive and negative prediction errors, softmax, K options",
        parameters: [ParameterSpec(name: "A_pos", transform: .phiApprox(upper: 1), meaning: "learning rate when r - Q >= 0", typicalValue: 0.4),
                     ParameterSpec(name: "A_neg", transform: .phiApprox(upper: 1), meaning: "learning rate when r - Q < 0", typicalValue: 0.2),
                     inverseTemperature],
        optionCount: nil, reward: .column("outcome"),
        rule: LearningRule(rate: .byPredictionErrorSign(positive: 0, negative: 1), inverseTemperature: 2),
        outcomeCoding: "reward = 1, loss = -1 (any real outcome is accepted)", documentedRewardValues: [1, -1],
        reference: "RLFit; dual rates by prediction-error sign as hBayesDM pst_gainloss_Q (Frank et al. 2007)")

    /// Stickiness (perseveration): κ added to the utility of the previous choice in the block.
    public static let deltaStick = ModelDefinition(
        name: "delta_stick",
        summary: "delta learning, softmax with a bonus kappa for repeating the previous choice, K options",
        parameters: [learningRate, inverseTemperature,
                     ParameterSpec(name: "kappa", transform: .identity, meaning: "stickiness: utility bonus for the previous choice", typicalValue: 0.5)],
        optionCount: nil, reward: .column("outcome"),
        rule: LearningRule(rate: .single(0), inverseTemperature: 1, bias: .stickiness(2)),
        outcomeCoding: "reward = 1, loss = -1 (any real outcome is accepted)", documentedRewardValues: [1, -1],
        reference: "RLFit; choice perseveration as Schönberg et al. (2007), Lau & Glimcher (2005)")

    /// hBayesDM's `prl_rp`: reward and punishment learning rates chosen by the outcome's sign.
    public static let prlRP = ModelDefinition(
        name: "prl_rp",
        summary: "reward-punishment learning (rate by the sign of the outcome), softmax, 2 options",
        parameters: [ParameterSpec(name: "Apun", transform: .phiApprox(upper: 1), meaning: "learning rate after a punishment (outcome <= 0)", typicalValue: 0.2),
                     ParameterSpec(name: "Arew", transform: .phiApprox(upper: 1), meaning: "learning rate after a reward (outcome > 0)", typicalValue: 0.4),
                     ParameterSpec(name: "beta", transform: .phiApprox(upper: 10), meaning: "inverse temperature", typicalValue: 5)],
        optionCount: 2, reward: .signOf("outcome"),
        rule: LearningRule(rate: .byOutcomeSign(positive: 1, otherwise: 0), inverseTemperature: 2),
        outcomeCoding: "reward > 0, punishment < 0; sign(outcome) is used (as hBayesDM)", documentedRewardValues: [1, -1],
        reference: "hBayesDM prl_rp / prl_rp_multipleB (den Ouden et al. 2013)", task: .probabilisticReversal)

    /// hBayesDM's `prl_fictitious`: both options learn (the unchosen one the opposite outcome),
    /// with an indecision point α.
    public static let prlFictitious = ModelDefinition(
        name: "prl_fictitious",
        summary: "fictitious update of the unchosen option, logistic choice with indecision point alpha, 2 options",
        parameters: [ParameterSpec(name: "eta", transform: .phiApprox(upper: 1), meaning: "learning rate", typicalValue: 0.3),
                     ParameterSpec(name: "alpha", transform: .identity, meaning: "indecision point", typicalValue: 0, scalePrior: .halfCauchy(1)),
                     ParameterSpec(name: "beta", transform: .phiApprox(upper: 10), meaning: "inverse temperature", typicalValue: 5)],
        optionCount: 2, reward: .signOf("outcome"),
        rule: LearningRule(rate: .single(0), unchosen: .fictitious, inverseTemperature: 2, bias: .indecision(1)),
        outcomeCoding: "reward > 0, punishment < 0; sign(outcome) is used (as hBayesDM)", documentedRewardValues: [1, -1],
        reference: "hBayesDM prl_fictitious / prl_fictitious_multipleB (Glascher et al. 2009)", task: .probabilisticReversal)

    public static let all: [ModelDefinition] = [bandit2armDelta, banditNarmDelta, deltaForget, deltaDual, deltaStick, prlRP, prlFictitious]

    /// "unknown model 'x'; did you mean ...? available: ..." for a name not in the catalog.
    public static func unknownModelMessage(_ name: String) -> String {
        let lower = name.lowercased()
        let close = all.map(\.name).filter { $0.lowercased().hasPrefix(lower) || lower.hasPrefix($0.lowercased().split(separator: "_").first.map(String.init) ?? $0) }
        var text = "unknown model '\(name)'"
        if let guess = close.first { text += "; did you mean \(guess)?" }
        if lower.hasPrefix("bandit4arm") { text += " (banditNarm_delta fits hBayesDM's bandit4arm data: gain and loss columns)" }
        return text + " Available: " + all.map(\.name).joined(separator: ", ") + " (prl models also as *_multipleB)"
    }

    /// The model called `name`, or nil. hBayesDM's multiple-block names (`prl_rp_multipleB`,
    /// `prl_fictitious_multipleB`) are accepted: every model handles blocks.
    public static func model(named name: String) -> ModelDefinition? {
        let base = name.hasSuffix("_multipleB") ? String(name.dropLast("_multipleB".count)) : name
        return all.first { $0.name == base }
    }
}
