import XCTest
import Foundation
@testable import ModelLanguage

/// Scalar views of the lane-wise kernels: each value is put in every lane, and all lanes must agree.
private func lanewise(_ f: (Lanes) -> Lanes, _ x: Double) -> Double {
    let y = f(Lanes(x, x, x, x))
    precondition(
        (0..<4).allSatisfy { y[$0].bitPattern == y[0].bitPattern } || (0..<4).allSatisfy { y[$0].isNaN },
        "lanes disagree for \(x)")
    return y[0]
}

/// A seeded linear congruential generator (Knuth's MMIX constants), the high bits used: the same
/// inputs on every run and platform, with no dependency on the Randomness module.
private struct LCG {
    var state: UInt64
    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 &+ 1 }
    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state
    }
    /// Uniform in [0, 1) with 53 random bits.
    mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }
    mutating func uniform(_ a: Double, _ b: Double) -> Double { a + (b - a) * uniform() }
    /// A positive finite double with a uniformly random bit pattern: every binade (subnormals
    /// included) equally likely.
    mutating func positiveBits() -> Double {
        let bits = (next() >> 11) % 0x7FF0_0000_0000_0000
        return Double(bitPattern: max(bits, 1))
    }
}

/// |got − want| / |want|, 0 when both are the same non-finite value or both NaN, +∞ when
/// only one of them is NaN or infinite.
private func relativeError(_ got: Double, _ want: Double) -> Double {
    if got.isNaN || want.isNaN { return got.isNaN && want.isNaN ? 0 : .infinity }
    if got == want { return 0 }
    if !got.isFinite || !want.isFinite || want == 0 { return .infinity }
    return abs(got - want) / abs(want)
}

/// |got − want| in units in the last place of `want` (for subnormal results, where relative
/// errors are meaningless: one unit there is the smallest subnormal).
private func ulpError(_ got: Double, _ want: Double) -> Double {
    if got.isNaN || want.isNaN { return got.isNaN && want.isNaN ? 0 : .infinity }
    if got == want { return 0 }
    if !got.isFinite || !want.isFinite { return .infinity }
    return abs(got - want) / (want == 0 ? Double.leastNonzeroMagnitude : want.ulp)
}

/// The worst error seen over many inputs, and where.
private struct Worst: CustomStringConvertible {
    var error = 0.0
    var at = 0.0
    mutating func record(_ e: Double, _ x: Double) { if e > error || e.isNaN { error = e; at = x } }
    var description: String { "\(error) at x = \(at)" }
}

#if arch(x86_64) && !os(Windows)
    /// The logistic function in 80-bit extended precision, rounded once to double: a reference
    /// with an error below 0.51 ulp.
    private func referenceLogistic(_ x: Double) -> Double {
        let z = Float80(x)
        return Double(z >= 0 ? 1 / (1 + Foundation.exp(-z)) : Foundation.exp(z) / (1 + Foundation.exp(z)))
    }
#else
    private func referenceLogistic(_ x: Double) -> Double {
        x >= 0 ? 1 / (1 + Foundation.exp(-x)) : Foundation.exp(x) / (1 + Foundation.exp(x))
    }
#endif

final class LaneMathTests: XCTestCase {
    /// Lanes are independent: mixed inputs give each lane its own answer.
    func testLanesAreIndependent() {
        let y = expNonPositive(Lanes(0, -1, -800, -0.5))
        XCTAssertEqual(y[0], 1)
        XCTAssertEqual(y[1], Foundation.exp(-1), accuracy: 1e-16)
        XCTAssertEqual(y[2], Foundation.exp(-708), accuracy: 0x1p-1063)
        XCTAssertEqual(y[3], Foundation.exp(-0.5), accuracy: 2e-16)
        let l = log1pUnit(Lanes(0, 1e-300, 0.3, 1))
        XCTAssertEqual(l[0], 0)
        XCTAssertEqual(l[1], 1e-300)
        XCTAssertEqual(l[2], Foundation.log1p(0.3), accuracy: 1e-16)
        XCTAssertEqual(l[3], Foundation.log(2), accuracy: 1e-16)

        // Every special case in one vector, next to an ordinary value.
        let e = laneExp(Lanes(800, -800, .nan, 1))
        XCTAssertEqual(e[0], .infinity)
        XCTAssertEqual(e[1], 0)
        XCTAssert(e[2].isNaN)
        XCTAssertEqual(e[3], Foundation.exp(1), accuracy: 1e-15 * Foundation.exp(1))
        let g = laneLog(Lanes(0, -1, 0x1p-1030, .infinity))
        XCTAssertEqual(g[0], -.infinity)
        XCTAssert(g[1].isNaN)
        XCTAssertEqual(g[2], Foundation.log(0x1p-1030), accuracy: 1e-15 * 720)
        XCTAssertEqual(g[3], .infinity)
        let p = laneLog1p(Lanes(-1, 1e-20, .nan, 1e300))
        XCTAssertEqual(p[0], -.infinity)
        XCTAssertEqual(p[1], 1e-20)
        XCTAssert(p[2].isNaN)
        XCTAssertEqual(p[3], Foundation.log1p(1e300), accuracy: 1e-15 * 700)
        let m = laneExpm1(Lanes(-.infinity, 1e-20, 800, 0.5))
        XCTAssertEqual(m[0], -1)
        XCTAssertEqual(m[1], 1e-20)
        XCTAssertEqual(m[2], .infinity)
        XCTAssertEqual(m[3], Foundation.expm1(0.5), accuracy: 1e-15)
        let s = laneLogistic(Lanes(-1000, 1000, 0, .nan))
        XCTAssertEqual(s[0], 0)
        XCTAssertEqual(s[1], 1)
        XCTAssertEqual(s[2], 0.5)
        XCTAssert(s[3].isNaN)
        let a = laneAbs(Lanes(-2, 0, -.infinity, -0.0))
        XCTAssertEqual(a, Lanes(2, 0, .infinity, 0))
        XCTAssertEqual(a[3].sign, .plus)
    }

    /// Lanes do not leak into each other: each lane's result is the same as that value's result
    /// alone, whatever the other lanes hold (random mixes of ordinary and special values).
    func testLanesMatchTheirScalarResults() {
        var rng = LCG(seed: 11)
        let specials: [Double] = [
            0, -0.0, 1, -1, .infinity, -.infinity, .nan, 0x1p-1030, -0x1p-1030, 709.8, -745.3, 745, 1e300, -1e300
        ]
        let functions: [(String, (Lanes) -> Lanes)] = [
            ("laneExp", laneExp), ("laneLog", laneLog), ("laneLog1p", laneLog1p), ("laneExpm1", laneExpm1),
            ("laneLogistic", laneLogistic), ("laneAbs", laneAbs), ("expNonPositive", expNonPositive)
        ]
        for _ in 0..<2_000 {
            var x = Lanes()
            for k in 0..<4 {
                x[k] = rng.next() % 3 == 0 ? specials[Int(rng.next() % UInt64(specials.count))] : rng.uniform(-50, 50)
            }
            for (name, f) in functions {
                let y = f(x)
                for k in 0..<4 {
                    let alone = lanewise(f, x[k])
                    XCTAssert(
                        y[k].bitPattern == alone.bitPattern || (y[k].isNaN && alone.isNaN),
                        "\(name): lane \(k) of \(x) gives \(y[k]), alone \(alone)")
                }
            }
        }
    }

    // MARK: expNonPositive, log1pUnit, logPositive (the kernels of the fused observations)

    func testExpNonPositiveMatchesLibm() {
        var worst = Worst()
        var rng = LCG(seed: 3)
        for i in 0..<200_000 {
            let y = i < 1000 ? -Double(i) * 0.708 : -rng.uniform() * (i % 2 == 0 ? 1 : 708)
            worst.record(relativeError(lanewise(expNonPositive, y), Foundation.exp(y)), y)
        }
        print("expNonPositive worst relative error: \(worst)")
        XCTAssertLessThan(worst.error, 1e-15, "\(worst)")
        XCTAssertEqual(lanewise(expNonPositive, 0), 1)
        XCTAssertEqual(lanewise(expNonPositive, -0.0), 1)
        // Below −708 the argument is clamped there: never subnormal, never 0.
        XCTAssertEqual(lanewise(expNonPositive, -.infinity), Foundation.exp(-708), accuracy: 0x1p-1063)
        XCTAssertEqual(lanewise(expNonPositive, -1e6), Foundation.exp(-708), accuracy: 0x1p-1063)
        XCTAssert(lanewise(expNonPositive, .nan).isNaN)
    }

    func testLog1pUnitMatchesLibm() {
        var worst = Worst()
        var rng = LCG(seed: 4)
        for i in 0..<200_000 {
            let e = i < 4_000 ? Foundation.pow(2, -Double(i) / 4) : rng.uniform()
            worst.record(relativeError(lanewise(log1pUnit, e), Foundation.log1p(e)), e)
        }
        print("log1pUnit worst relative error: \(worst)")
        XCTAssertLessThan(worst.error, 1e-15, "\(worst)")
        XCTAssertEqual(lanewise(log1pUnit, 0), 0)
        XCTAssertEqual(lanewise(log1pUnit, 1), Foundation.log(2), accuracy: 1e-16)
        // The switch between the two reductions at √2 − 1.
        for e in [0.414_213_562_373_094, 0.414_213_562_373_095_0, 0.414_213_562_373_096] {
            XCTAssertLessThan(relativeError(lanewise(log1pUnit, e), Foundation.log1p(e)), 1e-15)
        }
    }

    func testLogPositiveMatchesLibm() {
        var worst = Worst()
        var rng = LCG(seed: 5)
        for _ in 0..<200_000 {
            let x = Foundation.exp(rng.uniform(-700, 700))
            worst.record(abs(lanewise(logPositive, x) - Foundation.log(x)) / max(1, abs(Foundation.log(x))), x)
        }
        for x: Double in [
            1.0, 2, 0.5, 0.7071067811865476, 1.4142135623730951, 3, 1e-300, 1e300, .leastNormalMagnitude,
            .greatestFiniteMagnitude
        ] {
            XCTAssertEqual(
                lanewise(logPositive, x), Foundation.log(x), accuracy: 2e-16 * max(1, abs(Foundation.log(x))),
                "x = \(x)")
        }
        print("logPositive worst error (relative, absolute below 1): \(worst)")
        XCTAssertLessThan(worst.error, 1e-15, "\(worst)")
    }

    // MARK: laneExp

    func testLaneExpMatchesLibmOverItsWholeRange() {
        var worst = Worst(), worstUlps = Worst()
        var rng = LCG(seed: 6)
        for i in 0..<400_000 {
            let x: Double
            switch i % 4 {
            case 0: x = rng.uniform(-708, 709.78)
            case 1: x = rng.uniform(-1, 1)
            case 2: x = (rng.next() & 1 == 0 ? 1 : -1) * Foundation.pow(10, rng.uniform(-300, 0)) // tiny |x|
            default: x = Double(Int(rng.next() % 1_400)) - 700 + (i % 8 == 3 ? 0 : 0.5) // whole and half numbers
            }
            let got = lanewise(laneExp, x), want = Foundation.exp(x)
            worst.record(relativeError(got, want), x)
            worstUlps.record(ulpError(got, want), x)
        }
        print("laneExp worst relative error (normal results): \(worst); in ulps: \(worstUlps)")
        XCTAssertLessThan(worst.error, 1e-15, "\(worst)")
        XCTAssertEqual(lanewise(laneExp, 0), 1)
        XCTAssertEqual(lanewise(laneExp, -0.0), 1)
        XCTAssertEqual(lanewise(laneExp, 1), Foundation.exp(1), accuracy: Foundation.exp(1).ulp)
    }

    func testLaneExpOverflowsToInfinityAboveLogOfLargestDouble() {
        // log(greatestFiniteMagnitude) = 709.782712893383973…
        let largest = Foundation.log(Double.greatestFiniteMagnitude)
        for x: Double in [709.0, 709.78, largest.nextDown.nextDown, largest.nextDown, largest] {
            let got = lanewise(laneExp, x), want = Foundation.exp(x)
            XCTAssert(got.isFinite, "exp(\(x)) = \(got)")
            XCTAssertLessThan(relativeError(got, want), 1e-15, "exp(\(x)) = \(got), libm \(want)")
        }
        for x: Double in [largest.nextUp.nextUp, 709.79, 710, 1_000, 1e300, .greatestFiniteMagnitude, .infinity] {
            XCTAssertEqual(lanewise(laneExp, x), .infinity, "exp(\(x))")
            XCTAssertEqual(Foundation.exp(x), .infinity, "libm exp(\(x))")
        }
        // Between the two: wherever libm overflows, so does laneExp, and vice versa.
        var x = largest.nextDown.nextDown
        for _ in 0..<8 {
            let got = lanewise(laneExp, x), want = Foundation.exp(x)
            XCTAssertEqual(got.isFinite, want.isFinite, "exp(\(x)) = \(got), libm \(want)")
            if want.isFinite { XCTAssertLessThan(relativeError(got, want), 1e-15) }
            x = x.nextUp
        }
    }

    func testLaneExpUnderflowsGraduallyThroughTheSubnormals() {
        var worstUlps = Worst()
        var rng = LCG(seed: 7)
        // Normal results down to the smallest normal double (e^−708.39 ≈ 2.2e−308).
        for _ in 0..<50_000 {
            let x = rng.uniform(-708.39, -700)
            XCTAssertLessThan(relativeError(lanewise(laneExp, x), Foundation.exp(x)), 1e-15, "x = \(x)")
        }
        // Subnormal results: within two units of the smallest subnormal. The polynomial's error
        // (up to 3 units in the last place of a normal result) is then rounded to the subnormal's
        // fewer bits, once, so it cannot be worse than that.
        for i in 0..<100_000 {
            let x = i < 1_000 ? -708.4 - Double(i) * 0.000_736_8 : rng.uniform(-745.13, -708.4)
            let got = lanewise(laneExp, x), want = Foundation.exp(x)
            XCTAssert(want.isSubnormal || want == 0, "x = \(x)")
            worstUlps.record(ulpError(got, want), x)
        }
        print("laneExp worst error for subnormal results: \(worstUlps) ulps")
        XCTAssertLessThanOrEqual(worstUlps.error, 2, "\(worstUlps)")
        XCTAssertEqual(lanewise(laneExp, -744.44), Foundation.exp(-744.44)) // ≈ the smallest subnormal
        XCTAssertEqual(lanewise(laneExp, -744.44), Double.leastNonzeroMagnitude)
        XCTAssertGreaterThan(lanewise(laneExp, -745.1), 0)
    }

    func testLaneExpIsExactlyZeroBelowTheSmallestSubnormal() {
        for x: Double in [(-745.2).nextDown, -745.3, -746, -800, -1e300, -.greatestFiniteMagnitude, -.infinity] {
            let got = lanewise(laneExp, x)
            XCTAssertEqual(got, 0, "exp(\(x))")
            XCTAssertEqual(got.sign, .plus, "exp(\(x)) is +0")
            XCTAssertEqual(Foundation.exp(x), 0, "libm exp(\(x))")
        }
        // Between −745.2 and −745.13 both round to 0 or to the smallest subnormal.
        var x = -745.2
        while x < -745.1 {
            XCTAssertLessThanOrEqual(ulpError(lanewise(laneExp, x), Foundation.exp(x)), 1, "x = \(x)")
            x += 0.001
        }
    }

    func testLaneExpPropagatesNaN() {
        XCTAssert(lanewise(laneExp, .nan).isNaN)
        XCTAssert(lanewise(laneExp, -.nan).isNaN)
        XCTAssert(lanewise(laneExp, .signalingNaN).isNaN)
        XCTAssert(laneExp(Lanes(.nan, 0, .nan, 0))[0].isNaN)
        XCTAssertEqual(laneExp(Lanes(.nan, 0, .nan, 0))[1], 1)
    }

    // MARK: laneLog

    func testLaneLogMatchesLibmOverAllPositiveDoubles() {
        var worst = Worst()
        var rng = LCG(seed: 8)
        for i in 0..<400_000 {
            let x: Double
            switch i % 4 {
            case 0: x = rng.positiveBits() // every binade, subnormals included
            case 1: x = rng.uniform(0.5, 2) // around 1, where log is small
            // a few ulps from 1
            case 2: x = 1 + (rng.next() & 1 == 0 ? 1 : -0.5) * Double(rng.next() % 1_000 + 1) * 0x1p-52
            default: x = Foundation.exp(rng.uniform(-744, 709))
            }
            worst.record(relativeError(lanewise(laneLog, x), Foundation.log(x)), x)
        }
        print("laneLog worst relative error: \(worst)")
        XCTAssertLessThan(worst.error, 1e-15, "\(worst)")
        XCTAssertEqual(lanewise(laneLog, 1), 0)
        XCTAssertEqual(lanewise(laneLog, 1).sign, .plus)
    }

    func testLaneLogOfSubnormals() {
        var x = Double.leastNormalMagnitude
        while x > 0 {
            XCTAssertLessThan(relativeError(lanewise(laneLog, x), Foundation.log(x)), 1e-15, "log(\(x))")
            x /= 3
        }
        for x: Double in [
            Double.leastNonzeroMagnitude, 2 * .leastNonzeroMagnitude, Double.leastNormalMagnitude.nextDown, 0x1p-1030,
            0x1p-1063
        ] {
            XCTAssertLessThan(relativeError(lanewise(laneLog, x), Foundation.log(x)), 1e-15, "log(\(x))")
        }
        XCTAssertEqual(lanewise(laneLog, .leastNonzeroMagnitude), -744.440_071_921_381_3, accuracy: 1e-12)
    }

    func testLaneLogSpecialValues() {
        XCTAssertEqual(lanewise(laneLog, 0), -.infinity)
        XCTAssertEqual(lanewise(laneLog, -0.0), -.infinity)
        XCTAssertEqual(lanewise(laneLog, .infinity), .infinity)
        XCTAssertEqual(
            lanewise(laneLog, .greatestFiniteMagnitude), Foundation.log(Double.greatestFiniteMagnitude), accuracy: 1e-12
        )
        for x: Double in [-0x1p-1063, -1e-300, -0.5, -1, -1e300, -.infinity, .nan] {
            XCTAssert(lanewise(laneLog, x).isNaN, "log(\(x)) = \(lanewise(laneLog, x))")
        }
    }

    // MARK: laneLog1p

    func testLaneLog1pMatchesLibmOverItsWholeRange() {
        var worst = Worst()
        var rng = LCG(seed: 9)
        for i in 0..<400_000 {
            let x: Double
            switch i % 5 {
            case 0: x = rng.uniform(-1, 0)
            case 1: x = rng.uniform(0, 2)
            case 2: x = (rng.next() & 1 == 0 ? 1 : -1) * Foundation.pow(10, rng.uniform(-320, -0.6)) // near 0
            case 3: x = rng.positiveBits() // up to the largest double
            default: x = -1 + Foundation.pow(2, -rng.uniform(1, 53)) // just above −1
            }
            worst.record(relativeError(lanewise(laneLog1p, x), Foundation.log1p(x)), x)
        }
        print("laneLog1p worst relative error: \(worst)")
        XCTAssertLessThan(worst.error, 1e-15, "\(worst)")
        // Both sides of the switches between the series and log(1 + x) + correction.
        for x: Double in [-0.29, (-0.29).nextUp, (-0.29).nextDown, 0.41, 0.41.nextUp, 0.41.nextDown] {
            XCTAssertLessThan(relativeError(lanewise(laneLog1p, x), Foundation.log1p(x)), 1e-15, "log1p(\(x))")
        }
    }

    func testLaneLog1pNearZeroIsRelativelyAccurate() {
        for x: Double in [
            1e-300, -1e-300, 1e-20, -1e-20, 1e-16, -1e-16, 1e-10, -1e-10, 1e-5, -1e-5, Double.leastNonzeroMagnitude,
            0x1p-52
        ] {
            XCTAssertLessThan(relativeError(lanewise(laneLog1p, x), Foundation.log1p(x)), 3e-16, "log1p(\(x))")
        }
        XCTAssertEqual(lanewise(laneLog1p, 0), 0)
        XCTAssertEqual(lanewise(laneLog1p, -0.0), 0)
        XCTAssertEqual(lanewise(laneLog1p, 1e-20), 1e-20)
    }

    func testLaneLog1pSpecialValues() {
        XCTAssertEqual(lanewise(laneLog1p, -1), -.infinity)
        XCTAssertEqual(lanewise(laneLog1p, .infinity), .infinity)
        XCTAssertEqual(
            lanewise(laneLog1p, .greatestFiniteMagnitude), Foundation.log1p(Double.greatestFiniteMagnitude),
            accuracy: 1e-12)
        XCTAssertEqual(lanewise(laneLog1p, (-1.0).nextUp), Foundation.log1p((-1.0).nextUp), accuracy: 1e-13)
        for x: Double in [(-1.0).nextDown, -2, -1e300, -.infinity, .nan] {
            XCTAssert(lanewise(laneLog1p, x).isNaN, "log1p(\(x)) = \(lanewise(laneLog1p, x))")
        }
    }

    // MARK: laneExpm1

    func testLaneExpm1MatchesLibmOverItsWholeRange() {
        var worst = Worst()
        var rng = LCG(seed: 10)
        for i in 0..<400_000 {
            let x: Double
            switch i % 4 {
            case 0: x = rng.uniform(-1, 1)
            case 1: x = rng.uniform(-40, 40)
            case 2: x = (rng.next() & 1 == 0 ? 1 : -1) * Foundation.pow(10, rng.uniform(-320, 0)) // near 0
            default: x = rng.uniform(-800, 709.78)
            }
            worst.record(relativeError(lanewise(laneExpm1, x), Foundation.expm1(x)), x)
        }
        print("laneExpm1 worst relative error: \(worst)")
        XCTAssertLessThan(worst.error, 1e-15, "\(worst)")
        // Both sides of the switch to e^x − 1 at |x| = 30.
        for x: Double in [30.0, 30.0.nextUp, 30.0.nextDown, -30, (-30.0).nextUp, (-30.0).nextDown] {
            XCTAssertLessThan(relativeError(lanewise(laneExpm1, x), Foundation.expm1(x)), 1e-15, "expm1(\(x))")
        }
    }

    func testLaneExpm1TinyAndLargeArguments() {
        for x: Double in [
            Double.leastNonzeroMagnitude, -0x1p-1030, 1e-300, -1e-300, 1e-17, -1e-17, 0x1p-53, -0x1p-53, 0x1p-52,
            1.5e-16, -1.5e-16, 1e-10, -1e-10
        ] {
            XCTAssertLessThan(relativeError(lanewise(laneExpm1, x), Foundation.expm1(x)), 3e-16, "expm1(\(x))")
        }
        XCTAssertEqual(lanewise(laneExpm1, 0), 0)
        for x: Double in [-40, -100, -745, -1e300, -.infinity] {
            XCTAssertEqual(lanewise(laneExpm1, x), Foundation.expm1(x), accuracy: 1e-16, "expm1(\(x))")
        }
        XCTAssertEqual(lanewise(laneExpm1, -.infinity), -1)
        XCTAssertLessThan(relativeError(lanewise(laneExpm1, 709.78), Foundation.expm1(709.78)), 1e-15)
        for x: Double in [709.79, 710, 1e300, .infinity] {
            XCTAssertEqual(lanewise(laneExpm1, x), .infinity, "expm1(\(x))")
        }
        XCTAssert(lanewise(laneExpm1, .nan).isNaN)
    }

    // MARK: laneLogistic

    func testLaneLogisticMatchesExtendedPrecision() {
        var worst = Worst()
        var rng = LCG(seed: 12)
        for i in 0..<400_000 {
            let x: Double
            switch i % 3 {
            case 0: x = rng.uniform(-40, 40)
            case 1: x = rng.uniform(-745, 745)
            default: x = (rng.next() & 1 == 0 ? 1 : -1) * Foundation.pow(10, rng.uniform(-300, 0)) // near 0
            }
            let want = referenceLogistic(x)
            guard want.isNormal else { continue } // subnormal tails: below
            worst.record(relativeError(lanewise(laneLogistic, x), want), x)
        }
        print("laneLogistic worst relative error: \(worst)")
        XCTAssertLessThan(worst.error, 1e-15, "\(worst)")
        XCTAssertEqual(lanewise(laneLogistic, 0), 0.5)
    }

    func testLaneLogisticTailsAndLimits() {
        // The far left tail is e^x (subnormal below −708.4, 0 below −745.2), without overflow
        // of e^−x; the right tail rounds to exactly 1 above 37.
        for x: Double in [-700.0, -708, -710, -720, -740, -745] {
            XCTAssertLessThanOrEqual(
                ulpError(lanewise(laneLogistic, x), Foundation.exp(x)), 1,
                "logistic(\(x)) = \(lanewise(laneLogistic, x))")
        }
        for x: Double in [-746, -800, -1e300, -.greatestFiniteMagnitude, -.infinity] {
            XCTAssertEqual(lanewise(laneLogistic, x), 0, "logistic(\(x))")
        }
        for x: Double in [37.5, 40, 700, 710, 746, 1e300, .greatestFiniteMagnitude, .infinity] {
            XCTAssertEqual(lanewise(laneLogistic, x), 1, "logistic(\(x))")
        }
        XCTAssertEqual(lanewise(laneLogistic, 36), referenceLogistic(36))
        XCTAssert(lanewise(laneLogistic, .nan).isNaN)
        // Symmetry: logistic(−x) = 1 − logistic(x), to rounding.
        var rng = LCG(seed: 13)
        for _ in 0..<10_000 {
            let x = rng.uniform(-30, 30)
            XCTAssertEqual(lanewise(laneLogistic, -x), 1 - lanewise(laneLogistic, x), accuracy: 4.5e-16)
        }
    }

    // MARK: laneAbs

    func testLaneAbs() {
        for x: Double in [
            0.0, -0.0, 1, -1, 0x1p-1063, -0x1p-1063, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .infinity,
            -.infinity
        ] {
            let y = lanewise(laneAbs, x)
            XCTAssertEqual(y.bitPattern, Swift.abs(x).bitPattern, "abs(\(x))")
        }
        XCTAssert(lanewise(laneAbs, .nan).isNaN)
        XCTAssert(lanewise(laneAbs, -.nan).isNaN)
        XCTAssertEqual(lanewise(laneAbs, -.nan).sign, .plus)
    }

    // MARK: Phi_approx

    func testPhiApproximation() {
        let phi = { (x: Double) in lanewise(PhiApproximation.value, x) }
        XCTAssertEqual(phi(0), 0.5)
        // Φ≈ is within 1.4e-4 of the normal CDF: Φ(1) = 0.841344746, Φ(−2) = 0.022750132.
        XCTAssertEqual(phi(1), 0.841344746, accuracy: 1.5e-4)
        XCTAssertEqual(phi(-2), 0.022750132, accuracy: 1.5e-4)
        XCTAssertEqual(phi(40), 1)
        XCTAssertEqual(phi(-40), 0)
        for x: Double in [-3.0, -0.4, 0, 0.9, 2.5] {
            let h = 1e-6
            let numeric = (phi(x + h) - phi(x - h)) / (2 * h)
            let y = Lanes(repeating: phi(x))
            XCTAssertEqual(PhiApproximation.derivative(x: Lanes(repeating: x), y: y)[0], numeric, accuracy: 1e-8)
        }
    }
}
