import Diagnostics
import Foundation
import RLModels

/// Covariate effects on the natural scale, for the report: the change of parameter p at the
/// group location when covariate q rises by one standard deviation,
/// Δ = constrain(μₚ + γₚq) − constrain(μₚ), per draw (mean and 90% interval).
public struct CovariateEffect: Sendable {
    public let parameter: String
    public let covariate: String
    public let mean: Double
    public let q5: Double
    public let q95: Double
    /// The covariate's sd in its raw units, and the levels of a two-level label.
    public let rawStandardDeviation: Double
    public let levels: [String]?
}

enum CovariateEffects {
    static func summaries(chains: [ChainRecord], model: ModelDefinition, covariates: SubjectCovariates)
        -> [CovariateEffect]
    {
        guard !covariates.isEmpty, let first = chains.first else { return [] }
        let index = first.quantityPositions
        var effects: [CovariateEffect] = []
        for (p, spec) in model.parameters.enumerated() {
            for (q, name) in covariates.names.enumerated() {
                guard let muColumn = index["mu_pr.\(p + 1)"], let gammaColumn = index["gamma.\(p + 1).\(q + 1)"] else {
                    continue
                }
                var values: [Double] = []
                for chain in chains {
                    let mu = chain.column(muColumn), gamma = chain.column(gammaColumn)
                    for d in 0..<mu.count {
                        values.append(spec.constrain(mu[d] + gamma[d]).value - spec.constrain(mu[d]).value)
                    }
                }
                let qs = quantiles(values, probabilities: [0.05, 0.95])
                effects.append(
                    CovariateEffect(
                        parameter: spec.name, covariate: name, mean: values.reduce(0, +) / Double(max(values.count, 1)),
                        q5: qs[0], q95: qs[1], rawStandardDeviation: covariates.standardDeviations[q],
                        levels: covariates.levels[name]))
            }
        }
        return effects
    }
}
