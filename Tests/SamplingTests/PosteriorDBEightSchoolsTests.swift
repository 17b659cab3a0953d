import Foundation
import Sampling
import XCTest

/// posteriordb `eight_schools-eight_schools_noncentered` (Rubin 1981; model
/// eight_schools_noncentered.stan, described in /work/shared/data/posteriordb/NOTES.md):
/// θ_trans ~ N(0,1), μ ~ N(0,5), τ ~ half-Cauchy(0,5), θ = μ + τ·θ_trans, yⱼ ~ N(θⱼ, σⱼ).
/// Sampled on x = (θ_trans[8], μ, log τ), with the log-Jacobian log τ.
struct EightSchoolsNoncentered: LogDensity {
    static let y: [Double] = [28, 8, -3, 7, -1, 1, 18, 12]
    static let sigma: [Double] = [15, 10, 16, 11, 9, 11, 10, 18]
    var dimension: Int { 10 }

    func logDensity(_ x: UnsafeBufferPointer<Double>, gradient: UnsafeMutableBufferPointer<Double>) -> Double {
        let mu = x[8], logTau = x[9], tau = Foundation.exp(logTau)
        var lp = -0.5 * (mu / 5) * (mu / 5) - Foundation.log1p((tau / 5) * (tau / 5)) + logTau
        var dMu = -mu / 25
        var dTau = -(2 * tau / 25) / (1 + (tau / 5) * (tau / 5))
        for j in 0..<8 {
            let t = x[j]
            let residual = (Self.y[j] - mu - tau * t) / Self.sigma[j]
            lp += -0.5 * t * t - 0.5 * residual * residual
            let r = residual / Self.sigma[j]
            gradient[j] = -t + tau * r
            dMu += r
            dTau += r * t
        }
        gradient[8] = dMu
        gradient[9] = tau * dTau + 1
        return lp
    }
}

final class PosteriorDBEightSchoolsTests: XCTestCase {
    /// Reference (posteriordb, 10 chains × 1000 draws of Stan NUTS): name, mean, sd (from the
    /// reference draws), MCSE of the reference mean.
    static let reference: [(String, Double, Double, Double)] = [
        ("theta[1]", 6.150502293, 5.61586, 0.0557),
        ("theta[2]", 4.939581141, 4.64558, 0.0462),
        ("theta[3]", 3.90590609, 5.28071, 0.0542),
        ("theta[4]", 4.796016751, 4.77094, 0.0475),
        ("theta[5]", 3.614436325, 4.61472, 0.0461),
        ("theta[6]", 4.051147579, 4.79625, 0.0485),
        ("theta[7]", 6.317169759, 5.00286, 0.0499),
        ("theta[8]", 4.883996944, 5.31769, 0.0543),
        ("mu", 4.410518337, 3.3093, 0.033),
        ("tau", 3.602059524, 3.19848, 0.0319)
    ]

    /// The reported quantities as functions of the unconstrained draw.
    static func derived(_ k: Int) -> (ArraySlice<Double>) -> Double {
        switch k {
        case 0..<8: return { x in x[x.startIndex + 8] + Foundation.exp(x[x.startIndex + 9]) * x[x.startIndex + k] }
        case 8: return { x in x[x.startIndex + 8] }
        default: return { x in Foundation.exp(x[x.startIndex + 9]) }
        }
    }

    func testMatchesReferencePosterior() throws {
        for metric in MetricKind.allCases {
            let config = SamplerConfiguration(warmup: 1000, draws: 2000, adaptDelta: 0.95, metric: metric, seed: 8)
            let results = try Sampler(configuration: config).runChains(chainIDs: [0, 1, 2, 3], threads: 2) { _ in
                EightSchoolsNoncentered()
            }
            for (k, (name, mean, sd, mcse)) in Self.reference.enumerated() {
                MomentChecks.assertMoments(
                    MomentChecks.chains(results, Self.derived(k)), name: "\(metric) \(name)",
                    mean: mean, sd: sd, referenceMCSE: mcse)
            }
            print("eight schools \(metric): divergences \(results.map(\.divergences)), step \(results.map(\.stepSize))")
        }
    }
}
