import Foundation

/// How ``ModelComparison/compare(_:weighting:)`` weights the models.
public enum ModelWeighting: Sendable, Equatable {
    /// Stacking of the LOO predictive distributions (``StackingWeights``; the default of ArviZ
    /// and of the loo package's `loo_model_weights`).
    case stacking
    /// Pseudo-BMA: wₖ ∝ exp(elpd_loo,k) (Geisser & Eddy 1979; Yao et al. 2018 eq. 8), no
    /// correction for the uncertainty of elpd — it puts nearly all weight on the best model.
    case pseudoBMA
    /// Pseudo-BMA+ with the Bayesian bootstrap (Yao et al. 2018 §3.2): the weights are averaged
    /// over `samples` Dirichlet(α, …, α) reweightings of the observations, drawn from a
    /// SplitMix64 generator with this seed (to use another generator, call
    /// ``ModelComparison/bootstrapPseudoBMAWeights(pointwiseElpd:samples:alpha:using:)``).
    case bootstrapPseudoBMA(samples: Int, alpha: Double, seed: UInt64)
}

/// One model's row in a comparison, as `az.compare` reports it (scale "log").
public struct ModelComparisonRow: Sendable, Equatable {
    /// The model's name, as given.
    public let name: String
    /// 0 for the model with the largest elpd_loo, then 1, 2, …
    public let rank: Int
    /// elpd_loo and its standard error.
    public let elpd: Double
    public let elpdSE: Double
    /// Effective number of parameters p_loo.
    public let pLoo: Double
    /// elpd_loo(best) − elpd_loo(this) ≥ 0 (ArviZ's sign; the loo package prints the negative).
    public let elpdDiff: Double
    /// se of the difference, √(N · var(elpd_best,i − elpd_this,i)) with divisor N; 0 for the best.
    public let diffSE: Double
    /// The model's weight (stacking, pseudo-BMA or bootstrap pseudo-BMA).
    public let weight: Double
    /// True when some observation has k̂ > good_k (``LOOEstimate/hasKWarning``).
    public let hasKWarning: Bool
}

/// Comparison of models fitted to the same observations by their PSIS-LOO elpd (Vehtari,
/// Gelman & Gabry 2017 §5.2; ArviZ 0.23's `az.compare(ic="loo", scale="log")`).
///
/// The rows are sorted by elpd_loo, best first (ties keep the input order). elpd_diff and its
/// standard error are paired over observations: se(Δ) = √(N · var(elpd_A,i − elpd_B,i)), far
/// smaller than the two models' se combined when the models err on the same observations.
/// A difference within 2–4 se(Δ) is usually not taken as a difference.
///
/// NaN behaviour: NaN elpd values propagate into the affected rows and weights; NaN models sort
/// last.
public enum ModelComparison {
    /// Ranks `models` (name and ``LOOEstimate`` over the same N observations) and weights them.
    public static func compare(
        _ models: [(name: String, loo: LOOEstimate)],
        weighting: ModelWeighting = .stacking
    ) -> [ModelComparisonRow] {
        precondition(!models.isEmpty, "compare needs at least one model")
        let n = models[0].loo.count
        precondition(
            models.allSatisfy { $0.loo.count == n },
            "compare: the models have different numbers of observations")
        // Best first; NaN last; stable among ties.
        let order = models.indices.sorted { a, b in
            let ea = models[a].loo.elpd, eb = models[b].loo.elpd
            if ea.isNaN != eb.isNaN { return eb.isNaN }
            if ea != eb { return ea > eb }
            return a < b
        }
        let pointwise = order.map { models[$0].loo.points.map(\.elpd) }
        let weights: [Double]
        switch weighting {
        case .stacking:
            weights = StackingWeights.weights(pointwiseElpd: pointwise)
        case .pseudoBMA:
            weights = pseudoBMAWeights(elpd: order.map { models[$0].loo.elpd })
        case let .bootstrapPseudoBMA(samples, alpha, seed):
            var generator = SplitMix64(seed: seed)
            weights =
                bootstrapPseudoBMAWeights(
                    pointwiseElpd: pointwise, samples: samples, alpha: alpha,
                    using: &generator
                ).weights
        }
        let best = pointwise[0]
        return order.enumerated().map { rank, index in
            let (diff, se) = elpdDifference(best, pointwise[rank])
            let loo = models[index].loo
            return ModelComparisonRow(
                name: models[index].name, rank: rank, elpd: loo.elpd, elpdSE: loo.elpdSE,
                pLoo: loo.pLoo, elpdDiff: diff, diffSE: se, weight: weights[rank],
                hasKWarning: loo.hasKWarning)
        }
    }

    /// Σᵢ (aᵢ − bᵢ) and its standard error √(N · var(aᵢ − bᵢ)) (divisor N), for the pointwise
    /// elpd of two models over the same observations.
    public static func elpdDifference(_ a: [Double], _ b: [Double]) -> (difference: Double, se: Double) {
        precondition(a.count == b.count, "elpdDifference: different numbers of observations")
        let d = zip(a, b).map { $0 - $1 }
        return (PairwiseSum.sum(d), (Double(d.count) * PairwiseSum.populationVariance(d)).squareRoot())
    }

    /// Pseudo-BMA weights wₖ = exp(elpdₖ − max elpd) / Σⱼ exp(elpdⱼ − max elpd).
    public static func pseudoBMAWeights(elpd: [Double]) -> [Double] {
        guard elpd.allSatisfy({ !$0.isNaN }) else { return elpd.map { _ in .nan } }
        let m = elpd.max() ?? 0
        let z = elpd.map { Foundation.exp($0 - m) }
        let total = z.reduce(0, +)
        return z.map { $0 / total }
    }

    /// Pseudo-BMA+ weights by the Bayesian bootstrap (Yao et al. 2018 §3.2, ArviZ's
    /// "BB-pseudo-BMA"): for b = 1…B, draw u ~ Dirichlet(α, …, α) over the N observations, set
    /// zₖ = N Σᵢ uᵢ elpd_ik, and weight the models by softmax(z); the weights are the average
    /// over the B replicates, and `se` the standard deviation (divisor B) of zₖ, which ArviZ
    /// reports in place of the elpd se. ArviZ's defaults: B = 1000, α = 1. Draws depend on the
    /// generator, so results match ArviZ's only to Monte Carlo error (≈ sd(w)/√B).
    public static func bootstrapPseudoBMAWeights<G: RandomNumberGenerator>(
        pointwiseElpd: [[Double]], samples: Int = 1000, alpha: Double = 1, using generator: inout G
    ) -> (weights: [Double], se: [Double]) {
        let kCount = pointwiseElpd.count
        precondition(kCount > 0 && samples > 0 && alpha > 0, "bootstrap pseudo-BMA: bad arguments")
        let n = pointwiseElpd[0].count
        precondition(
            pointwiseElpd.allSatisfy { $0.count == n }, "bootstrap pseudo-BMA: different numbers of observations")
        var weightSum = [Double](repeating: 0, count: kCount)
        var zSum = [Double](repeating: 0, count: kCount)
        var zSquares = [Double](repeating: 0, count: kCount)
        var u = [Double](repeating: 0, count: n)
        var z = [Double](repeating: 0, count: kCount)
        for _ in 0..<samples {
            var total = 0.0
            for i in 0..<n {
                u[i] = GammaSampler.draw(shape: alpha, using: &generator)
                total += u[i]
            }
            for k in 0..<kCount {
                var s = 0.0
                for i in 0..<n { s += u[i] * pointwiseElpd[k][i] }
                z[k] = Double(n) * s / total
            }
            let w = pseudoBMAWeights(elpd: z)
            for k in 0..<kCount {
                weightSum[k] += w[k]
                zSum[k] += z[k]
                zSquares[k] += z[k] * z[k]
            }
        }
        let b = Double(samples)
        let weights = weightSum.map { $0 / b }
        let se = (0..<kCount).map { k -> Double in
            let mean = zSum[k] / b
            return max(0, zSquares[k] / b - mean * mean).squareRoot()
        }
        return (weights, se)
    }
}
