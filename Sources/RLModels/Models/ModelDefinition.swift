/// A model of the catalog: its name (hBayesDM's where hBayesDM has it), per-subject
/// parameters, the data it reads, the outcome coding it documents, and how to build its
/// likelihood for a batch.
public struct ModelDefinition: Sendable {
    public let name: String
    public let summary: String
    public let parameters: [ParameterSpec]
    public let data: DataRequirements
    /// The documented outcome coding, e.g. "reward = 1, loss = −1".
    public let outcomeCoding: String
    /// The outcome values the documented coding uses (for the coding check); nil = any real.
    public let documentedOutcomeValues: Set<Double>?
    /// The reference the model follows.
    public let reference: String
    /// Builds the likelihood for a batch (one instance per chain: not thread-safe).
    public let makeLikelihood: @Sendable (TrialBatch) -> SubjectLikelihood

    public init(
        name: String, summary: String, parameters: [ParameterSpec], data: DataRequirements,
        outcomeCoding: String, documentedOutcomeValues: Set<Double>?, reference: String,
        makeLikelihood: @escaping @Sendable (TrialBatch) -> SubjectLikelihood
    ) {
        self.name = name
        self.summary = summary
        self.parameters = parameters
        self.data = data
        self.outcomeCoding = outcomeCoding
        self.documentedOutcomeValues = documentedOutcomeValues
        self.reference = reference
        self.makeLikelihood = makeLikelihood
    }
}
