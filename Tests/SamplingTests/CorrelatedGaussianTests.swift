import Diagnostics
import Foundation
import Sampling
import XCTest

/// A 100-d AR(1) Gaussian with ρ = 0.95 (condition number of the correlation ≈ 1500) and
/// scales from 0.1 to 10: the dense metric removes the correlations, the diagonal one cannot.
final class CorrelatedGaussianTests: XCTestCase {
    func testDenseBeatsDiagonalInESSPerGradient() throws {
        let target = AR1Gaussian(dimension: 100, rho: 0.95, spreadScales: true)
        var efficiency: [MetricKind: Double] = [:]
        for metric in MetricKind.allCases {
            let config = SamplerConfiguration(warmup: 1000, draws: 1000, metric: metric, seed: 2024)
            let results = try Sampler(configuration: config).runChains(chainIDs: [0, 1], threads: 2) { _ in target }
            for j in 0..<100 {
                MomentChecks.assertMoments(
                    MomentChecks.chains(results, parameter: j), name: "\(metric) x[\(j)]",
                    mean: 0, sd: target.scales[j])
            }
            let (ess, perGradient) = MomentChecks.minimumESSPerGradient(results)
            efficiency[metric] = perGradient
            print(
                "AR(1) ρ=0.95 d=100, \(metric): min bulk ESS \(Int(ess)), per gradient \(perGradient), step \(results[0].stepSize), gradients \(results.map(\.samplingGradientEvaluations))"
            )
        }
        XCTAssertGreaterThan(efficiency[.dense]!, 3 * efficiency[.diag]!)
    }
}
