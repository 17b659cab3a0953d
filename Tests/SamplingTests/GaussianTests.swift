import Diagnostics
import Sampling
import XCTest

/// NUTS on Gaussians with known moments.
final class GaussianTests: XCTestCase {
    /// 1-d N(3, 2²): mean within 4 MCSE, sd within 10%, plus the NUTS bookkeeping invariants.
    func testOneDimensionalGaussian() throws {
        let config = SamplerConfiguration(warmup: 500, draws: 1000, metric: .diag, seed: 42)
        let results = try Sampler(configuration: config).runChains(chainIDs: [0, 1, 2, 3], threads: 2) { _ in
            IndependentGaussian(mean: [3], sd: [2])
        }
        MomentChecks.assertMoments(MomentChecks.chains(results, parameter: 0), name: "x", mean: 3, sd: 2)
        XCTAssertLessThan(Convergence.splitRHat(MomentChecks.chains(results, parameter: 0)), 1.01)
        for r in results {
            assertInvariants(r, configuration: config)
            XCTAssertEqual(r.divergences, 0)
            // The adapted variance is an estimate of 4 from one window of 200 warmup draws, whose
            // squares are strongly autocorrelated in one dimension: a factor-2 sanity check.
            XCTAssert((2...8).contains(r.inverseMetric.diagonal[0]), "adapted variance \(r.inverseMetric.diagonal[0])")
        }
    }

    /// 100-d iid N(0, 1) with the default (dense, shrinkage) metric and with diag: every
    /// coordinate's mean within 4 MCSE of 0 and sd within 10% of 1.
    func testHundredDimensionalIIDGaussian() throws {
        for metric in MetricKind.allCases {
            let config = SamplerConfiguration(warmup: 500, draws: 1000, metric: metric, seed: 7)
            let results = try Sampler(configuration: config).runChains(chainIDs: [1, 2], threads: 2) { _ in
                IndependentGaussian(dimension: 100)
            }
            for j in 0..<100 {
                MomentChecks.assertMoments(
                    MomentChecks.chains(results, parameter: j), name: "\(metric) x[\(j)]", mean: 0, sd: 1)
            }
            for r in results {
                assertInvariants(r, configuration: config)
                XCTAssertEqual(r.divergences, 0)
                XCTAssertEqual(r.maxDepthHits, 0)
            }
        }
    }

    /// What must hold of any chain: sizes, accept_stat in [0, 1], 2^depth − 1 ≤ n_leapfrog ≤
    /// 2^(depth+1) − 1, one step size after warmup equal to the reported one, energy ≥ −lp,
    /// lp__ equal to the density at the draw, gradient bookkeeping.
    func assertInvariants(
        _ r: ChainResult, configuration c: SamplerConfiguration, file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertTrue(r.isComplete, file: file, line: line)
        XCTAssertEqual(r.samplingDrawCount, c.draws, file: file, line: line)
        XCTAssertEqual(r.positions.count, r.drawCount * r.dimension, file: file, line: line)
        XCTAssertEqual(r.iterationsCompleted, c.warmup + c.draws, file: file, line: line)
        var leapfrogs = 0
        for s in r.statistics {
            XCTAssert((0...1).contains(s.acceptStat), "accept_stat \(s.acceptStat)", file: file, line: line)
            XCTAssert(
                s.leapfrogSteps >= (1 << s.treeDepth) - 1 && s.leapfrogSteps <= (1 << (s.treeDepth + 1)) - 1,
                "depth \(s.treeDepth), n_leapfrog \(s.leapfrogSteps)", file: file, line: line)
            XCTAssertEqual(s.stepSize, r.stepSize, file: file, line: line)
            XCTAssertGreaterThanOrEqual(s.energy, -s.logDensity, file: file, line: line)
            leapfrogs += s.leapfrogSteps
        }
        XCTAssertEqual(leapfrogs, r.samplingGradientEvaluations, file: file, line: line)
        XCTAssertGreaterThan(r.gradientEvaluations, r.samplingGradientEvaluations, file: file, line: line)
        XCTAssertGreaterThan(r.stepSize, 0, file: file, line: line)
        XCTAssertEqual(SamplerStatistics.columnNames.count, 7)
        XCTAssertEqual(r.statistics[0].columnValues.count, 7)
    }
}
