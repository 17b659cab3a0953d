import Foundation
import Sampling
import XCTest

/// A model that returns NaN or −∞ must never crash the sampler: during a trajectory it is a
/// divergence; at initialization the point is redrawn; after 100 failures the error says so.
final class NonFiniteDensityTests: XCTestCase {
    /// x₀ ~ N(0,1) walled off by NaN above 1, x₁ ~ N(0,1) by −∞ below −1.5. The walls are
    /// divergences, the draws stay inside, and the moments are those of the truncated normals:
    /// E[x₀ | x₀ ≤ 1] = −φ(1)/Φ(1) = −0.28760, sd 0.79353; E[x₁ | x₁ ≥ −1.5] =
    /// φ(1.5)/(1 − Φ(−1.5)) = 0.13882, sd 0.91645.
    func testWallsAreDivergencesAndTheMomentsAreRight() throws {
        let config = SamplerConfiguration(warmup: 500, draws: 2000, metric: .diag, seed: 5)
        let results = try Sampler(configuration: config).runChains(chainIDs: [0, 1, 2, 3], threads: 2) { _ in
            WalledGaussian()
        }
        XCTAssertGreaterThan(results.reduce(0) { $0 + $1.divergences }, 0)
        for r in results {
            for i in 0..<r.drawCount {
                XCTAssertLessThanOrEqual(r.positions[2 * i], 1)
                XCTAssertGreaterThanOrEqual(r.positions[2 * i + 1], -1.5)
            }
            XCTAssert(r.statistics.allSatisfy { $0.logDensity.isFinite })
        }
        MomentChecks.assertMoments(
            MomentChecks.chains(results, parameter: 0), name: "x0", mean: -0.287600, sd: 0.793530)
        MomentChecks.assertMoments(MomentChecks.chains(results, parameter: 1), name: "x1", mean: 0.138822, sd: 0.916448)
    }

    /// A density that is NaN (or −∞) everywhere: initialization fails after exactly 100
    /// attempts, with an error naming the chain, the attempts and the problem.
    func testInitializationFailsAfter100Attempts() throws {
        for value in [Double.nan, -.infinity] {
            let density = NowhereFinite(dimension: 3, value: value)
            let sampler = Sampler(configuration: SamplerConfiguration(seed: 1))
            XCTAssertThrowsError(try sampler.runChain(chainID: 4, density: density)) { error in
                guard case let SamplingError.initializationFailed(chain, attempts, radius, problem) = error else {
                    return XCTFail("unexpected error \(error)")
                }
                XCTAssertEqual(chain, 4)
                XCTAssertEqual(attempts, 100)
                XCTAssertEqual(radius, 2)
                XCTAssert(problem.contains(value.isNaN ? "nan" : "-inf"), problem)
                let message = "\(error)"
                XCTAssert(message.contains("chain 4") && message.contains("100 attempts"), message)
            }
            XCTAssertEqual(density.calls, 100)
        }
    }

    /// runChains reports a failing chain by throwing, after the others stop.
    func testRunChainsThrowsTheInitializationError() {
        let sampler = Sampler(configuration: SamplerConfiguration(warmup: 200, draws: 200, seed: 1))
        XCTAssertThrowsError(
            try sampler.runChains(chainIDs: [0, 1], threads: 2) { _ in
                NowhereFinite(dimension: 2, value: .nan)
            }
        ) { error in
            XCTAssert("\(error)".contains("initialization failed"), "\(error)")
        }
    }

    /// Finite only on the positive orthant (1/8 of the init box in 3-d), and with a NaN gradient
    /// where x₀ < 0.5: initialization retries until both are fine, and sampling stays inside.
    func testInitializationRetriesUntilFinite() throws {
        let config = SamplerConfiguration(warmup: 200, draws: 200, metric: .diag, seed: 3)
        let r = try Sampler(configuration: config).runChain(chainID: 0, density: OrthantGaussian(dimension: 3))
        XCTAssertTrue(r.isComplete)
        XCTAssert(r.positions.allSatisfy { $0 > 0 })
        XCTAssertGreaterThan(r.divergences + r.warmupDivergences, 0)
    }
}
