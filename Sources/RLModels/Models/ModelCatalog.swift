/// The models RLFit fits, by name.
public enum ModelCatalog {
    /// hBayesDM's `bandit2arm_delta`: Rescorla–Wagner learning with a softmax choice between two
    /// options (DESIGN.md §8).
    public static let bandit2armDelta = ModelDefinition(
        name: "bandit2arm_delta",
        summary: "Rescorla-Wagner (delta) learning, softmax choice, 2 options",
        parameters: [
            ParameterSpec(name: "A", transform: .phiApprox(upper: 1), meaning: "learning rate"),
            ParameterSpec(name: "tau", transform: .phiApprox(upper: 5), meaning: "inverse temperature"),
        ],
        data: DataRequirements(optionCount: 2, numericColumns: ["outcome"]),
        outcomeCoding: "reward = 1, loss = -1",
        documentedOutcomeValues: [1, -1],
        reference: "hBayesDM bandit2arm_delta (Erev et al. 2010; Hertwig et al. 2004); Ahn, Haines & Zhang 2017",
        makeLikelihood: { RuleScan(rule: LearningRule(rate: .single(0), inverseTemperature: 1), parameterCount: 2, batch: $0, reward: $0.column("outcome")) })

    public static let all: [ModelDefinition] = [bandit2armDelta]

    /// The model called `name`, or nil.
    public static func model(named name: String) -> ModelDefinition? {
        all.first { $0.name == name }
    }
}
