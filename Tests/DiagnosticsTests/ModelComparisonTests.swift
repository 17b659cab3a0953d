import XCTest
@testable import Diagnostics

/// `ModelComparison` and `StackingWeights` against ArviZ 0.23.4's `az.compare`.
final class ModelComparisonTests: XCTestCase {
    /// The three fixture models' LOO estimates (reff as in the fixture).
    func fixtureModels() throws -> [(name: String, loo: LOOEstimate)] {
        let cases = try LOOFixtures.section("loo")
        return try LOOFixtures.models.map { model in
            let observations = try LOOFixtures.logLikelihood(model)
            let reff = try Fixtures.number(try XCTUnwrap(cases[model]?["reff"]))
            var acc = LOOAccumulator(drawCount: observations[0].count, relativeEfficiency: reff)
            for draws in observations { acc.add(logLikelihood: draws) }
            return (model, acc.estimate)
        }
    }

    func testCompareMatchesArviZ() throws {
        let models = try fixtureModels()
        let compare = try XCTUnwrap(try LOOFixtures.expected()["compare"] as? [String: [String: [String: Any]]])
        let methods: [(String, ModelWeighting, Double)] = [
            ("stacking", .stacking, 5e-4), // SLSQP's ftol = 1e-6 leaves ArviZ ~1e-4 off the optimum
            ("pseudo-BMA", .pseudoBMA, 1e-12),
            ("BB-pseudo-BMA", .bootstrapPseudoBMA(samples: 20000, alpha: 1, seed: 7), 0.02) // Monte Carlo
        ]
        for (method, weighting, weightTolerance) in methods {
            let expected = try XCTUnwrap(compare[method])
            let rows = ModelComparison.compare(models, weighting: weighting)
            XCTAssertEqual(rows.map(\.name), ["constant", "quadratic", "linear"])
            XCTAssertEqual(rows.map(\.weight).reduce(0, +), 1, accuracy: 1e-12)
            for row in rows {
                let e = try XCTUnwrap(expected[row.name])
                XCTAssertEqual(row.rank, e["rank"] as? Int, "\(method) \(row.name) rank")
                assertClose(row.elpd, try Fixtures.number(e["elpd_loo"]!), relative: 1e-13)
                assertClose(row.pLoo, try Fixtures.number(e["p_loo"]!), relative: 1e-11)
                assertClose(row.elpdDiff, try Fixtures.number(e["elpd_diff"]!), relative: 1e-12, absolute: 1e-12)
                assertClose(row.diffSE, try Fixtures.number(e["dse"]!), relative: 1e-12, absolute: 1e-12)
                XCTAssertEqual(row.hasKWarning, e["warning"] as? Bool)
                assertClose(
                    row.weight, try Fixtures.number(e["weight"]!), absolute: weightTolerance,
                    "\(method) \(row.name) weight")
                if method != "BB-pseudo-BMA" {
                    assertClose(row.elpdSE, try Fixtures.number(e["se"]!), relative: 1e-12)
                }
            }
        }
    }

    func testBootstrapSEMatchesArviZToMonteCarloError() throws {
        let models = try fixtureModels()
        let compare = try XCTUnwrap(try LOOFixtures.expected()["compare"] as? [String: [String: [String: Any]]])
        let expected = try XCTUnwrap(compare["BB-pseudo-BMA"])
        let names = ["constant", "quadratic", "linear"]
        let pointwise = names.map { name in models.first { $0.name == name }!.loo.points.map(\.elpd) }
        var generator = SplitMix64(seed: 99)
        let (_, se) = ModelComparison.bootstrapPseudoBMAWeights(
            pointwiseElpd: pointwise, samples: 20000,
            using: &generator)
        for (name, s) in zip(names, se) {
            assertClose(s, try Fixtures.number(expected[name]!["se"]!), relative: 0.03, "\(name) bootstrap se")
        }
    }

    func testStackingReachesTheOptimum() throws {
        let models = try fixtureModels()
        let expected = try XCTUnwrap(try LOOFixtures.expected()["stacking_tight"] as? [String: String])
        let pointwise = models.map { $0.loo.points.map(\.elpd) }
        let w = StackingWeights.weights(pointwiseElpd: pointwise)
        for (model, weight) in zip(models, w) {
            assertClose(weight, try XCTUnwrap(Double(expected[model.name]!)), absolute: 1e-6, "\(model.name)")
        }
        let objective = try XCTUnwrap(Double(try LOOFixtures.expected()["stacking_tight_objective"] as! String))
        XCTAssertGreaterThanOrEqual(StackingWeights.logScore(pointwiseElpd: pointwise, weights: w), objective - 1e-9)
    }

    func testStackingKKTOnRandomProblems() {
        // Random elpd matrices, including a dominated model (weight 0), a duplicated model
        // (singular Hessian) and very negative subject-level values (exp underflows unshifted).
        var g = SplitMix64(seed: 2024)
        for trial in 0..<40 {
            let k = 2 + trial % 4
            let n = 5 + (trial * 7) % 60
            let offset = trial % 3 == 0 ? -900.0 : 0
            var elpd = (0..<k).map { m in
                (0..<n).map { _ in offset - 3 * GammaSampler.uniform(&g) - Double(m) * 0.3 * GammaSampler.uniform(&g) }
            }
            if trial % 5 == 1 { elpd[k - 1] = elpd[0] }
            if trial % 7 == 2 { elpd[k - 1] = elpd[0].map { $0 - 2 } } // dominated
            let w = StackingWeights.weights(pointwiseElpd: elpd)
            XCTAssertEqual(w.reduce(0, +), 1, accuracy: 1e-12, "trial \(trial)")
            XCTAssertTrue(w.allSatisfy { $0 >= 0 }, "trial \(trial): \(w)")
            // KKT: gₖ = Σᵢ pᵢₖ/(pᵢ·w) ≤ N for all k, = N where wₖ > 0.
            var grad = [Double](repeating: 0, count: k)
            for i in 0..<n {
                let m = (0..<k).map { elpd[$0][i] }.max()!
                let p = (0..<k).map { exp(elpd[$0][i] - m) }
                let s = zip(p, w).map { $0 * $1 }.reduce(0, +)
                for j in 0..<k { grad[j] += p[j] / s }
            }
            for j in 0..<k {
                XCTAssertLessThanOrEqual(grad[j], Double(n) * (1 + 1e-8), "trial \(trial) model \(j)")
                if w[j] > 1e-6 {
                    XCTAssertEqual(grad[j], Double(n), accuracy: 1e-6 * Double(n), "trial \(trial) model \(j)")
                }
            }
            if trial % 7 == 2 { XCTAssertEqual(w[k - 1], 0, accuracy: 1e-9, "dominated model, trial \(trial)") }
        }
    }

    func testOneModelAndIdenticalModels() {
        XCTAssertEqual(StackingWeights.weights(pointwiseElpd: [[-1, -2, -0.5]]), [1])
        let rows = ModelComparison.compare(
            [
                ("a", LOOEstimate(points: [PointwiseLOO(elpd: -1, lpd: -0.9, paretoK: 0.1)], drawCount: 1000)),
                ("b", LOOEstimate(points: [PointwiseLOO(elpd: -1, lpd: -0.8, paretoK: 0.8)], drawCount: 1000))
            ], weighting: .pseudoBMA)
        XCTAssertEqual(rows.map(\.name), ["a", "b"]) // a tie keeps the input order
        XCTAssertEqual(rows.map(\.weight), [0.5, 0.5])
        XCTAssertEqual(rows.map(\.elpdDiff), [0, 0])
        XCTAssertEqual(rows.map(\.hasKWarning), [false, true])
    }

    func testElpdDifferenceIsPaired() {
        // Model B loses exactly 0.5 on every observation: Δ = 0.5·N with se 0.
        let a = [-1.0, -2.5, -0.3, -4.0]
        let (d, se) = ModelComparison.elpdDifference(a, a.map { $0 - 0.5 })
        XCTAssertEqual(d, 2, accuracy: 1e-14)
        XCTAssertEqual(se, 0, accuracy: 1e-14)
        let (d2, se2) = ModelComparison.elpdDifference([0, 0, 0, 0], [1, -1, 1, -1])
        XCTAssertEqual(d2, 0)
        XCTAssertEqual(se2, 2) // √(4 · 1)
    }

    func testGammaSamplerMoments() {
        var g = SplitMix64(seed: 5)
        for shape in [0.4, 1.0, 2.5] {
            let x = (0..<100_000).map { _ in GammaSampler.draw(shape: shape, using: &g) }
            let mean = x.reduce(0, +) / Double(x.count)
            let variance = x.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(x.count)
            XCTAssertEqual(mean, shape, accuracy: 0.02 * max(1, shape), "shape \(shape)")
            XCTAssertEqual(variance, shape, accuracy: 0.05 * max(1, shape), "shape \(shape)")
        }
    }
}
