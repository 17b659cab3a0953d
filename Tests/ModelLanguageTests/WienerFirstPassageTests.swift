import XCTest
import Foundation
@testable import ModelLanguage

/// The Wiener first-passage-time density against values computed independently, its
/// derivatives against finite differences, and two closed forms of the diffusion (Cox &
/// Miller 1965): the probability of reaching the upper boundary, and the mean decision time
/// without drift.
final class WienerFirstPassageTests: XCTestCase {
    /// log p (y, a, τ, β, δ, upper) from 40-digit sums of 121 small-time terms (mpmath):
    /// log p = δ·a·w − δ²·t/2 − 2·log a + log f(t/a² | w), w = 1 − β (β → 1 − β, δ → −δ
    /// for the lower boundary).
    func testPublishedFormWithManyTermsAt40Digits() {
        let cases: [(y: Double, a: Double, tau: Double, beta: Double, delta: Double, upper: Bool, logP: Double)] = [
            (0.35, 1.0, 0.3, 0.5, 0.0, true, 0.38151269038290733048),
            (0.9, 1.8, 0.3, 0.5, 1.2, true, -0.29870252454228574113),
            (0.9, 1.8, 0.3, 0.5, 1.2, false, -2.4587025245422857145),
            (2.5, 2.2, 0.25, 0.3, -0.7, true, -4.5698563285453178935),
            (1.2, 0.8, 0.2, 0.6, 2.5, false, -10.494793239906030058),
            (6.0, 1.5, 0.4, 0.5, 0.3, true, -11.975374696167019255)
        ]
        for c in cases {
            let v = WienerFirstPassage.logDensity(
                time: c.y, boundary: c.a, nondecision: c.tau, bias: c.beta, drift: c.delta, upper: c.upper)
            XCTAssertEqual(v.logDensity, c.logP, accuracy: 1e-13 * max(1, abs(c.logP)), "\(c)")
        }
    }

    /// The standardized density f(u | w) far into both tails, where a plain sum underflows:
    /// log f from 40-digit sums (u = 1e−4 and 200 choose the small- and large-time series).
    func testTailsStayFinite() {
        XCTAssertEqual(WienerFirstPassage.standardized(u: 1e-4, w: 0.5).logDensity, -1237.7965751558003, accuracy: 1e-9)
        XCTAssertEqual(WienerFirstPassage.standardized(u: 200, w: 0.5).logDensity, -985.81571022308646, accuracy: 1e-9)
    }

    /// Where the two series meet they agree: each summed with ample terms (the small-time
    /// series loses ~1e−13 to cancellation at u = 2, one reason the other is chosen there).
    func testTheTwoSeriesAgree() {
        for u in [0.2, 0.5, 0.8, 1.2, 2.0] {
            for w in [0.1, 0.5, 0.9] {
                let small = WienerFirstPassage.smallTime(u: u, w: w, terms: 12)
                let large = WienerFirstPassage.largeTime(u: u, w: w, terms: 60)
                XCTAssertEqual(small.logDensity, large.logDensity, accuracy: 1e-12, "u \(u) w \(w)")
                XCTAssertEqual(small.dU, large.dU, accuracy: 1e-11 * max(1, abs(small.dU)))
                XCTAssertEqual(small.dW, large.dW, accuracy: 1e-11 * max(1, abs(small.dW)))
            }
        }
    }

    /// ∂ log p / ∂(a, τ, β, δ) against central differences at random points, both boundaries.
    func testDerivativesMatchFiniteDifferences() {
        var state: UInt64 = 12345
        func uniform(_ lo: Double, _ hi: Double) -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return lo + (hi - lo) * Double(state >> 11) / Double(1 << 53)
        }
        for _ in 0..<200 {
            let a = uniform(0.5, 3), tau = uniform(0.1, 0.5), beta = uniform(0.2, 0.8), delta = uniform(-3, 3)
            let y = tau + uniform(0.02, 3) * a * a / 2
            for upper in [true, false] {
                let v = WienerFirstPassage.logDensity(
                    time: y, boundary: a, nondecision: tau, bias: beta, drift: delta, upper: upper)
                func lp(_ a: Double, _ tau: Double, _ beta: Double, _ delta: Double) -> Double {
                    WienerFirstPassage.logDensity(
                        time: y, boundary: a, nondecision: tau, bias: beta, drift: delta, upper: upper
                    ).logDensity
                }
                let h = 1e-6
                let fd = [
                    (lp(a + h, tau, beta, delta) - lp(a - h, tau, beta, delta)) / (2 * h),
                    (lp(a, tau + h, beta, delta) - lp(a, tau - h, beta, delta)) / (2 * h),
                    (lp(a, tau, beta + h, delta) - lp(a, tau, beta - h, delta)) / (2 * h),
                    (lp(a, tau, beta, delta + h) - lp(a, tau, beta, delta - h)) / (2 * h)
                ]
                let exact = [v.dBoundary, v.dNondecision, v.dBias, v.dDrift]
                for k in 0..<4 {
                    XCTAssertEqual(
                        exact[k], fd[k], accuracy: 1e-5 * max(1, abs(fd[k])),
                        "derivative \(k) at a \(a) τ \(tau) β \(beta) δ \(delta) y \(y) upper \(upper)")
                }
            }
        }
    }

    /// ∫ p_upper dt = (1 − e^{−2δβa}) / (1 − e^{−2δa}) (β without drift), and with δ = 0 the
    /// mean decision time over both boundaries is β(1 − β)a². Composite Simpson over t.
    func testClosedFormsOfTheDiffusion() {
        for (a, beta, delta) in [(1.0, 0.5, 0.0), (1.5, 0.3, 0.0), (1.8, 0.5, 1.2), (1.2, 0.7, -0.8)] {
            let n = 40_000, end = 30.0 * a * a, h = end / Double(n)
            var upper = 0.0, lower = 0.0, meanTime = 0.0
            for i in 0...n {
                let t = Double(i) * h
                guard t > 0 else { continue }
                let weight = (i == n ? 1.0 : i % 2 == 1 ? 4.0 : 2.0) * h / 3
                let pu = exp(
                    WienerFirstPassage.logDensity(
                        time: t, boundary: a, nondecision: 0, bias: beta, drift: delta, upper: true
                    ).logDensity)
                let pl = exp(
                    WienerFirstPassage.logDensity(
                        time: t, boundary: a, nondecision: 0, bias: beta, drift: delta, upper: false
                    ).logDensity)
                upper += weight * pu
                lower += weight * pl
                meanTime += weight * t * (pu + pl)
            }
            let expected = delta == 0 ? beta : -expm1(-2 * delta * beta * a) / -expm1(-2 * delta * a)
            XCTAssertEqual(upper, expected, accuracy: 1e-8, "a \(a) β \(beta) δ \(delta)")
            XCTAssertEqual(upper + lower, 1, accuracy: 1e-8)
            if delta == 0 { XCTAssertEqual(meanTime, beta * (1 - beta) * a * a, accuracy: 1e-7) }
        }
    }

    /// A response no later than the non-decision time has density 0; NaN stays NaN.
    func testResponseBeforeTheNonDecisionTime() {
        let v = WienerFirstPassage.logDensity(
            time: 0.2, boundary: 1, nondecision: 0.3, bias: 0.5, drift: 1, upper: true)
        XCTAssertEqual(v.logDensity, -.infinity)
        XCTAssertEqual([v.dBoundary, v.dNondecision, v.dBias, v.dDrift], [0, 0, 0, 0])
        XCTAssert(
            WienerFirstPassage.logDensity(time: .nan, boundary: 1, nondecision: 0.3, bias: 0.5, drift: 1, upper: true)
                .logDensity.isNaN)
    }
}
