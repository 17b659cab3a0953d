import Foundation

/// One observation's contribution to PSIS-LOO.
///
/// For observation i with pointwise log-likelihood ℓₛ = log p(yᵢ | θₛ) over S posterior draws:
/// - `elpd` = log Σₛ wₛ p(yᵢ | θₛ), the Pareto-smoothed importance-sampling estimate of the
///   leave-one-out log predictive density log p(yᵢ | y₋ᵢ), with wₛ the normalized PSIS
///   weights of the ratios 1/p(yᵢ | θₛ) (``PSIS``);
/// - `lpd` = log((1/S) Σₛ p(yᵢ | θₛ)), the in-sample log predictive density;
/// - `pLoo` = lpd − elpd, the observation's share of the effective number of parameters;
/// - `paretoK` = k̂ of the PSIS fit (how reliable `elpd` is).
public struct PointwiseLOO: Sendable, Equatable {
    /// elpd_loo,i = log Σₛ wₛ p(yᵢ | θₛ).
    public let elpd: Double
    /// lpd_i = log((1/S) Σₛ p(yᵢ | θₛ)).
    public let lpd: Double
    /// The Pareto shape k̂ of the smoothed ratios.
    public let paretoK: Double

    /// p_loo,i = lpd_i − elpd_loo,i.
    public var pLoo: Double { lpd - elpd }

    public init(elpd: Double, lpd: Double, paretoK: Double) {
        self.elpd = elpd
        self.lpd = lpd
        self.paretoK = paretoK
    }
}

/// Pareto-smoothed importance-sampling leave-one-out cross-validation (PSIS-LOO; Vehtari,
/// Gelman & Gabry 2017, "Practical Bayesian model evaluation using leave-one-out
/// cross-validation and WAIC", Statistics and Computing 27, 1413–1432), as ArviZ 0.23's
/// `az.loo(..., pointwise=True)` computes it.
///
/// The input is one observation at a time — its S log-likelihood draws (pooled over chains, any
/// order) — so a caller streaming trials or subjects never holds draws × observations:
/// ``pointwise(logLikelihood:relativeEfficiency:)`` is a pure function of one observation, and
/// ``LOOAccumulator`` collects the results (three doubles per observation). For N observations:
///
/// - elpd_loo = Σᵢ elpd_loo,i; se(elpd_loo) = √(N · var(elpd_loo,i)), var with divisor N
///   (ArviZ; the R package loo divides by N − 1, giving √(N/(N−1)) times larger);
/// - lppd = Σᵢ lpd_i; p_loo = lppd − elpd_loo, se(p_loo) = √(N · var(p_loo,i)) (loo reports it,
///   ArviZ does not);
/// - looic = −2·elpd_loo with se 2·se(elpd_loo) (the deviance scale of hBayesDM and loo);
/// - k̂ threshold: good_k = min(1 − 1/log₁₀S, 0.7) (ArviZ 0.23 and loo ≥ 2.6: below 0.7 for
///   S < 2154 because the Pareto tail estimate is itself noisy); counts of k̂ in (−∞, good_k]
///   (good), (good_k, 1] (bad), (1, ∞) (very bad; the PSIS estimate has no finite mean).
///
/// NaN behaviour: an observation whose draws include NaN or ±∞ gets NaN elpd, lpd and k̂, so
/// every total is NaN; NaN k̂ counts in no k̂ category.
public enum LeaveOneOut {
    /// PSIS-LOO for one observation, from its S log-likelihood draws.
    ///
    /// - Parameter relativeEfficiency: r_eff = ESS/S of the draws (ArviZ uses the mean bulk ESS
    ///   "mean" of the posterior's parameters divided by S; 1 for independent draws). Only the
    ///   tail length of the Pareto fit depends on it.
    public static func pointwise(
        logLikelihood: UnsafeBufferPointer<Double>,
        relativeEfficiency: Double = 1
    ) -> PointwiseLOO {
        let s = logLikelihood.count
        precondition(s > 0, "LOO needs at least one draw")
        var work = [Double](repeating: 0, count: s)
        for i in 0..<s {
            guard logLikelihood[i].isFinite else { return PointwiseLOO(elpd: .nan, lpd: .nan, paretoK: .nan) }
            work[i] = -logLikelihood[i]
        }
        let k = work.withUnsafeMutableBufferPointer {
            PSIS.smooth($0, relativeEfficiency: relativeEfficiency, normalize: true)
        }
        for i in 0..<s { work[i] += logLikelihood[i] }
        let elpd = work.withUnsafeBufferPointer { PairwiseSum.logSumExp($0) }
        let lpd = PairwiseSum.logSumExp(logLikelihood, subtractingLogOf: Double(s))
        return PointwiseLOO(elpd: elpd, lpd: lpd, paretoK: k)
    }

    /// PSIS-LOO for one observation, from its S log-likelihood draws.
    public static func pointwise(logLikelihood: [Double], relativeEfficiency: Double = 1) -> PointwiseLOO {
        logLikelihood.withUnsafeBufferPointer { pointwise(logLikelihood: $0, relativeEfficiency: relativeEfficiency) }
    }

    /// The k̂ threshold for S draws: min(1 − 1/log₁₀S, 0.7) (ArviZ 0.23's `good_k`).
    public static func goodKThreshold(drawCount: Int) -> Double {
        min(1 - 1 / Foundation.log10(Double(drawCount)), 0.7)
    }
}

/// Collects ``PointwiseLOO`` values one observation at a time and totals them
/// (``LOOEstimate``). Memory: three doubles per observation.
public struct LOOAccumulator: Sendable {
    /// Draws per observation (every observation must have the same number).
    public let drawCount: Int
    /// r_eff passed to PSIS for every observation.
    public let relativeEfficiency: Double
    /// The observations added so far, in order.
    public private(set) var points: [PointwiseLOO] = []

    public init(drawCount: Int, relativeEfficiency: Double = 1) {
        precondition(drawCount > 0, "LOO needs at least one draw")
        self.drawCount = drawCount
        self.relativeEfficiency = relativeEfficiency
    }

    /// Adds one observation's S log-likelihood draws and returns its contribution.
    @discardableResult
    public mutating func add(logLikelihood: UnsafeBufferPointer<Double>) -> PointwiseLOO {
        precondition(
            logLikelihood.count == drawCount,
            "LOO: \(logLikelihood.count) draws for an observation, expected \(drawCount)")
        let point = LeaveOneOut.pointwise(logLikelihood: logLikelihood, relativeEfficiency: relativeEfficiency)
        points.append(point)
        return point
    }

    /// Adds one observation's S log-likelihood draws and returns its contribution.
    @discardableResult
    public mutating func add(logLikelihood: [Double]) -> PointwiseLOO {
        logLikelihood.withUnsafeBufferPointer { add(logLikelihood: $0) }
    }

    /// Adds an observation computed elsewhere (e.g. concurrently by
    /// ``LeaveOneOut/pointwise(logLikelihood:relativeEfficiency:)``).
    public mutating func add(_ point: PointwiseLOO) {
        points.append(point)
    }

    /// The totals over the observations added so far.
    public var estimate: LOOEstimate { LOOEstimate(points: points, drawCount: drawCount) }
}

/// PSIS-LOO totals over N observations (see ``LeaveOneOut`` for the definitions).
public struct LOOEstimate: Sendable, Equatable {
    /// The per-observation values, in input order.
    public let points: [PointwiseLOO]
    /// Draws per observation (S).
    public let drawCount: Int
    /// elpd_loo = Σᵢ elpd_loo,i.
    public let elpd: Double
    /// se(elpd_loo) = √(N · var(elpd_loo,i)), divisor N (ArviZ).
    public let elpdSE: Double
    /// lppd = Σᵢ lpd_i (in-sample).
    public let lppd: Double
    /// p_loo = lppd − elpd_loo.
    public let pLoo: Double
    /// se(p_loo) = √(N · var(p_loo,i)), divisor N.
    public let pLooSE: Double
    /// The k̂ threshold min(1 − 1/log₁₀S, 0.7).
    public let goodK: Double

    /// Totals `points` computed with `drawCount` draws each.
    public init(points: [PointwiseLOO], drawCount: Int) {
        self.points = points
        self.drawCount = drawCount
        let n = Double(points.count)
        let elpds = points.map(\.elpd)
        let pLoos = points.map(\.pLoo)
        elpd = PairwiseSum.sum(elpds)
        elpdSE = (n * PairwiseSum.populationVariance(elpds)).squareRoot()
        lppd = PairwiseSum.sum(points.map(\.lpd))
        pLoo = lppd - elpd
        pLooSE = (n * PairwiseSum.populationVariance(pLoos)).squareRoot()
        goodK = LeaveOneOut.goodKThreshold(drawCount: drawCount)
    }

    /// Number of observations N.
    public var count: Int { points.count }
    /// looic = −2·elpd_loo (deviance scale).
    public var looic: Double { -2 * elpd }
    /// se(looic) = 2·se(elpd_loo).
    public var looicSE: Double { 2 * elpdSE }
    /// Observations with k̂ ≤ good_k: the PSIS estimate is reliable.
    public var goodKCount: Int { points.count { $0.paretoK <= goodK } }
    /// Observations with good_k < k̂ ≤ 1: unreliable (slow or no convergence of the estimate).
    public var badKCount: Int { points.count { $0.paretoK > goodK && $0.paretoK <= 1 } }
    /// Observations with k̂ > 1 (including +∞ from a tail too short to fit).
    public var veryBadKCount: Int { points.count { $0.paretoK > 1 } }
    /// True when some k̂ exceeds good_k (ArviZ's `warning`).
    public var hasKWarning: Bool { points.contains { $0.paretoK > goodK } }
    /// The indices (0-based) of observations with k̂ > good_k, for the warning message.
    public var highKIndices: [Int] { points.indices.filter { points[$0].paretoK > goodK } }
}
