import XCTest
@testable import Diagnostics

/// `LeaveOneOut` / `LOOAccumulator` against ArviZ 0.23.4's `az.loo(..., pointwise=True)`.
final class LeaveOneOutTests: XCTestCase {
    func testPointwiseAndTotalsMatchArviZ() throws {
        let cases = try LOOFixtures.section("loo")
        for model in LOOFixtures.models {
            let entry = try XCTUnwrap(cases[model])
            let observations = try LOOFixtures.logLikelihood(model)
            let reff = try Fixtures.number(entry["reff"]!)
            XCTAssertEqual(observations.count, entry["points"] as? Int)
            var accumulator = LOOAccumulator(drawCount: observations[0].count, relativeEfficiency: reff)
            for draws in observations { accumulator.add(logLikelihood: draws) }
            let loo = accumulator.estimate
            let looI = try Fixtures.numbers(entry["loo_i"])
            let k = try Fixtures.numbers(entry["pareto_k"])
            let lppdI = try Fixtures.numbers(entry["lppd_i"])
            for i in 0..<observations.count {
                assertClose(loo.points[i].elpd, looI[i], relative: 1e-12, "\(model) loo_i[\(i)]")
                assertClose(loo.points[i].paretoK, k[i], relative: 1e-11, absolute: 1e-13, "\(model) k[\(i)]")
                assertClose(loo.points[i].lpd, lppdI[i], relative: 1e-12, "\(model) lpd[\(i)]")
            }
            assertClose(loo.elpd, try Fixtures.number(entry["elpd_loo"]!), relative: 1e-13, "\(model) elpd_loo")
            assertClose(loo.elpdSE, try Fixtures.number(entry["se"]!), relative: 1e-12, "\(model) se")
            assertClose(loo.pLoo, try Fixtures.number(entry["p_loo"]!), relative: 1e-11, "\(model) p_loo")
            XCTAssertEqual(loo.goodK, try Fixtures.number(entry["good_k"]!), "\(model) good_k")
            XCTAssertEqual(loo.hasKWarning, entry["warning"] as? Bool, "\(model) warning")
            // Categories as ArviZ prints them: (−∞, good_k], (good_k, 1], (1, ∞).
            XCTAssertEqual(loo.goodKCount, k.count { $0 <= loo.goodK })
            XCTAssertEqual(loo.badKCount, k.count { $0 > loo.goodK && $0 <= 1 })
            XCTAssertEqual(loo.veryBadKCount, k.count { $0 > 1 })
            XCTAssertEqual(loo.goodKCount + loo.badKCount + loo.veryBadKCount, observations.count)
            XCTAssertEqual(loo.looic, -2 * loo.elpd)
            XCTAssertEqual(loo.looicSE, 2 * loo.elpdSE)
        }
    }

    func testFixtureCoversTheKCategories() throws {
        // The linear model's outlier (k̂ ≈ 1.01) and the quadratic model's leverage point make
        // the fixture exercise "very bad" and "bad"; the constant model has S = 100, good_k = ½.
        let linear = try LOOFixtures.logLikelihood("linear")
        var acc = LOOAccumulator(drawCount: linear[0].count)
        for draws in linear { acc.add(logLikelihood: draws) }
        XCTAssertEqual(acc.estimate.veryBadKCount, 1)
        XCTAssertEqual(acc.estimate.highKIndices, [17])
        XCTAssertEqual(LeaveOneOut.goodKThreshold(drawCount: 100), 0.5)
        XCTAssertEqual(LeaveOneOut.goodKThreshold(drawCount: 4000), 0.7)
    }

    func testDrawOrderDoesNotMatter() throws {
        // Pooled draws: reversing them changes nothing but summation order.
        let draws = try LOOFixtures.logLikelihood("quadratic")[19]
        let a = LeaveOneOut.pointwise(logLikelihood: draws, relativeEfficiency: 0.8)
        let b = LeaveOneOut.pointwise(logLikelihood: Array(draws.reversed()), relativeEfficiency: 0.8)
        XCTAssertEqual(a.elpd, b.elpd, accuracy: 1e-12)
        XCTAssertEqual(a.paretoK, b.paretoK, accuracy: 1e-12)
    }

    func testConstantLikelihoodHasNoOptimism() {
        // Every draw predicts yᵢ equally: weights are uniform, elpd_loo,i = lpd_i = log p, p_loo = 0.
        let p = LeaveOneOut.pointwise(logLikelihood: [Double](repeating: -0.75, count: 400))
        XCTAssertEqual(p.elpd, -0.75, accuracy: 1e-14)
        XCTAssertEqual(p.lpd, -0.75, accuracy: 1e-14)
        XCTAssertEqual(p.pLoo, 0, accuracy: 1e-14)
    }

    func testNonFiniteDrawGivesNaN() {
        var draws = (0..<200).map { -1 - Double($0 % 13) / 10 }
        draws[3] = -.infinity
        let p = LeaveOneOut.pointwise(logLikelihood: draws)
        XCTAssertTrue(p.elpd.isNaN && p.lpd.isNaN && p.paretoK.isNaN)
        let total = LOOEstimate(
            points: [p, LeaveOneOut.pointwise(logLikelihood: [Double](repeating: -1, count: 200))],
            drawCount: 200)
        XCTAssertTrue(total.elpd.isNaN)
        XCTAssertEqual(total.goodKCount + total.badKCount + total.veryBadKCount, 1)
    }
}
