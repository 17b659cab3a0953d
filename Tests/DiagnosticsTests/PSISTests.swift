import XCTest
@testable import Diagnostics

/// `PSIS` and `GeneralizedParetoFit` against ArviZ 0.23.4's `psislw` and `_gpdfit`.
final class PSISTests: XCTestCase {
    func testGeneralizedParetoFitMatchesArviZ() throws {
        for (name, entry) in try LOOFixtures.section("gpdfit") {
            let sample = try Fixtures.numbers(entry["sample"])
            let fit = GeneralizedParetoFit(sortedExceedances: sample)
            assertClose(fit.shape, try Fixtures.number(entry["k"]!), relative: 1e-13, "\(name) k")
            assertClose(fit.scale, try Fixtures.number(entry["sigma"]!), relative: 1e-13, "\(name) sigma")
        }
    }

    func testSmoothedWeightsAndShapeMatchArviZ() throws {
        let cases = try LOOFixtures.section("psislw")
        XCTAssertEqual(Set(cases.keys), ["outlier_point", "heavy_tail", "short", "thirty", "light_tail"])
        for (name, entry) in cases {
            let ratios = try Fixtures.numbers(entry["log_ratios"])
            let reff = try Fixtures.number(entry["reff"]!)
            let expectedK = try Fixtures.number(entry["k"]!)
            let (weights, k) = PSIS.smoothed(ratios, relativeEfficiency: reff)
            assertClose(k, expectedK, relative: 1e-12, "\(name) k")
            let expected = try Fixtures.numbers(entry["log_weights"])
            XCTAssertEqual(weights.count, expected.count)
            // Log weights of order −10: compare absolutely at 1e-12 of their spread.
            for (w, e) in zip(weights, expected) {
                assertClose(w, e, relative: 1e-12, absolute: 1e-12, "\(name) log weight")
            }
            let (raw, kRaw) = PSIS.smoothed(ratios, relativeEfficiency: reff, normalize: false)
            XCTAssertEqual(kRaw, k)
            let expectedRaw = try Fixtures.numbers(entry["log_weights_unnormalized"])
            for (w, e) in zip(raw, expectedRaw) { assertClose(w, e, relative: 1e-12, absolute: 1e-12, "\(name) raw") }
        }
    }

    func testShortTailIsNotSmoothed() throws {
        // S = 10: M = ⌈min(2, 9.5)⌉ = 2 < 5, so k̂ = ∞ and the weights are only normalized.
        let ratios = [0.3, -1.2, 2.5, 0.0, 1.1, -0.4, 0.9, 1.7, -2.0, 0.5]
        let (weights, k) = PSIS.smoothed(ratios)
        XCTAssertEqual(k, .infinity)
        let logTotal = log(ratios.map(exp).reduce(0, +))
        for (w, r) in zip(weights, ratios) { XCTAssertEqual(w, r - logTotal, accuracy: 1e-14) }
    }

    func testTailLengthFollowsArviZ() {
        XCTAssertEqual(PSIS.tailLength(drawCount: 4000), 190) // 3√4000 = 189.7
        XCTAssertEqual(PSIS.tailLength(drawCount: 100), 20) // S/5
        XCTAssertEqual(PSIS.tailLength(drawCount: 1000, relativeEfficiency: 0.8), 107) // 3√1250 = 106.07
        XCTAssertEqual(PSIS.tailLength(drawCount: 225), 45) // S/5 = 45 = 3√225: exact tie
    }

    func testWeightsAreNormalizedTruncatedAndOrderPreserving() {
        // A heavy right tail: the smoothed weights sum to 1, none exceeds the largest raw
        // weight, and the order of the ratios is kept.
        var state: UInt64 = 0x9E3779B97F4A7C15
        func uniform() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return (Double(state >> 11) + 0.5) / 9007199254740992
        }
        let ratios = (0..<2000).map { _ in -1.3 * log(uniform()) } // log of Pareto(k = 1.3) ratios
        let (weights, k) = PSIS.smoothed(ratios)
        XCTAssertEqual(weights.map(exp).reduce(0, +), 1, accuracy: 1e-12)
        XCTAssertGreaterThan(k, 0.9)
        XCTAssertLessThan(k, 1.6)
        let maxRatio = ratios.max()!
        let (raw, _) = PSIS.smoothed(ratios, normalize: false)
        for w in raw { XCTAssertLessThanOrEqual(w, maxRatio) }
        let order = ratios.indices.sorted { ratios[$0] < ratios[$1] }
        for (a, b) in zip(order, order.dropFirst()) { XCTAssertLessThanOrEqual(raw[a], raw[b]) }
    }

    func testNonFiniteRatiosGiveNaN() {
        for bad in [Double.nan, .infinity, -.infinity] {
            var ratios = (0..<100).map { Double($0) / 50 }
            ratios[7] = bad
            let (weights, k) = PSIS.smoothed(ratios)
            XCTAssertTrue(k.isNaN)
            XCTAssertTrue(weights.allSatisfy(\.isNaN))
        }
    }

    func testSelectKthAgreesWithSorting() {
        var state: UInt64 = 42
        for n in [1, 2, 3, 7, 50, 513] {
            let values = (0..<n).map { _ -> Double in
                state = state &* 6364136223846793005 &+ 1442695040888963407
                return Double(Int(state >> 54)) // many ties
            }
            let sorted = values.sorted()
            for k in 0..<n { XCTAssertEqual(PSIS.selectKth(values, k), sorted[k], "n \(n) k \(k)") }
        }
    }
}
