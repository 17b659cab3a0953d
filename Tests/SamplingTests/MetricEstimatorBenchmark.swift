import Diagnostics
import Foundation
import Sampling
import XCTest

/// The measurement behind the default `CovarianceEstimator`: minimum bulk ESS over parameters
/// per gradient evaluation, for diag, dense + Stan's estimator and dense + shrinkage, on
/// correlated targets with long (warmup 1000) and short (warmup 300) adaptation windows.
/// Slow (minutes), so it runs only with RLFIT_SAMPLER_BENCHMARK=1; it prints a table.
final class MetricEstimatorBenchmark: XCTestCase {
    func testESSPerGradientTable() throws {
        guard ProcessInfo.processInfo.environment["RLFIT_SAMPLER_BENCHMARK"] == "1" else {
            throw XCTSkip("set RLFIT_SAMPLER_BENCHMARK=1 to run the metric benchmark")
        }
        var lines: [String] = []
        func measure<D: LogDensity & Sendable>(_ name: String, warmups: [Int], _ target: D) throws {
            for warmup in warmups {
                for (label, metric, estimator) in [
                    ("diag", MetricKind.diag, CovarianceEstimator.stan),
                    ("dense/stan", .dense, .stan), ("dense/shrinkage", .dense, .shrinkage),
                    ("dense/automatic", .dense, .automatic)
                ] {
                    let config = SamplerConfiguration(
                        warmup: warmup, draws: 1000, metric: metric, covarianceEstimator: estimator, seed: 77)
                    let start = Date()
                    let results = try Sampler(configuration: config).runChains(chainIDs: [0, 1], threads: 2) { _ in
                        target
                    }
                    let (ess, perGradient) = MomentChecks.minimumESSPerGradient(results)
                    let all = results.reduce(0) { $0 + $1.gradientEvaluations }
                    let line = String(
                        format:
                            "%-22@ warmup %4d  %-16@ minESS %6.0f  ESS/grad(sampling) %.5f  ESS/grad(all) %.5f  step %.3f  div %d  %.1fs",
                        name as NSString, warmup, label as NSString, ess, perGradient, ess / Double(all),
                        results[0].stepSize, results.reduce(0) { $0 + $1.divergences }, Date().timeIntervalSince(start))
                    print(line)
                    lines.append(line)
                }
            }
        }
        try measure(
            "AR1 d=100 rho=0.95", warmups: [300, 1000], AR1Gaussian(dimension: 100, rho: 0.95, spreadScales: true))
        try measure("blocks 50x4 rho=0.9", warmups: [300, 1000], BlockGaussian(blocks: 50, blockSize: 4, rho: 0.9))
        try measure(
            "iid d=100 scaled", warmups: [300, 1000],
            IndependentGaussian(
                mean: [Double](repeating: 0, count: 100),
                sd: (0..<100).map { Foundation.pow(10, -1 + 2 * Double($0) / 99) }))
        if let data = try? PosteriorDBDiamondsTests.load() {
            for warmup in [300, 1000] {
                for (label, metric, estimator) in [
                    ("diag", MetricKind.diag, CovarianceEstimator.stan), ("dense/stan", .dense, .stan),
                    ("dense/shrinkage", .dense, .shrinkage), ("dense/automatic", .dense, .automatic)
                ] {
                    let config = SamplerConfiguration(
                        warmup: warmup, draws: 1000, metric: metric, covarianceEstimator: estimator, seed: 77)
                    let start = Date()
                    let results = try Sampler(configuration: config).runChains(chainIDs: [0, 1], threads: 2) { _ in
                        Diamonds(data)
                    }
                    let (ess, perGradient) = MomentChecks.minimumESSPerGradient(results)
                    let all = results.reduce(0) { $0 + $1.gradientEvaluations }
                    let line = String(
                        format:
                            "%-22@ warmup %4d  %-16@ minESS %6.0f  ESS/grad(sampling) %.5f  ESS/grad(all) %.5f  step %.3f  %.1fs",
                        "diamonds d=26" as NSString, warmup, label as NSString, ess, perGradient, ess / Double(all),
                        results[0].stepSize, Date().timeIntervalSince(start))
                    print(line)
                    lines.append(line)
                }
            }
        }
        print(lines.joined(separator: "\n"))
    }
}
