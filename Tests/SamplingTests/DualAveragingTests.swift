import Foundation
import Sampling
import XCTest

final class DualAveragingTests: XCTestCase {
    /// On a known acceptance curve a(ε) = 1/(1 + (ε/ε₀)⁴) the target δ = 0.8 is met at
    /// ε* = ε₀·(1/δ − 1)^(1/4) = ε₀/√2. Dual averaging must converge there from a poor start.
    func testConvergesToTheTargetAcceptance() {
        let e0 = 0.37
        let target = e0 * Foundation.pow(1 / 0.8 - 1, 0.25)
        var da = DualAveraging(target: 0.8, initialStepSize: 5)
        var epsilon = 5.0
        for _ in 0..<4000 {
            let a = 1 / (1 + Foundation.pow(epsilon / e0, 4))
            epsilon = da.update(acceptStat: a)
        }
        XCTAssertEqual(da.finalStepSize, target, accuracy: 0.01 * target)
    }

    /// Higher δ gives a smaller step size on the same curve.
    func testHigherTargetGivesSmallerSteps() {
        func final(_ delta: Double) -> Double {
            var da = DualAveraging(target: delta, initialStepSize: 1)
            var epsilon = 1.0
            for _ in 0..<2000 { epsilon = da.update(acceptStat: Foundation.exp(-epsilon)) }
            return da.finalStepSize
        }
        // a(ε) = e^−ε = δ at ε = −log δ.
        XCTAssertEqual(final(0.8), -Foundation.log(0.8), accuracy: 0.01)
        XCTAssertEqual(final(0.95), -Foundation.log(0.95), accuracy: 0.005)
    }

    /// The first update from μ = log(10 ε₀) with t₀ = 10, γ = 0.05 by hand:
    /// s̄ = (δ − a)/11, x = μ − s̄/γ, x̄ = x.
    func testFirstUpdateByHand() {
        var da = DualAveraging(target: 0.8, initialStepSize: 0.5)
        let epsilon = da.update(acceptStat: 0.3)
        let x = Foundation.log(5) - (0.5 / 11) / 0.05
        XCTAssertEqual(epsilon, Foundation.exp(x), accuracy: 1e-12)
        XCTAssertEqual(da.finalStepSize, Foundation.exp(x), accuracy: 1e-12)
    }

    /// accept_stat above 1 is clamped; NaN counts as 0; restart forgets.
    func testClampNaNAndRestart() {
        var a = DualAveraging(initialStepSize: 1)
        var b = DualAveraging(initialStepSize: 1)
        XCTAssertEqual(a.update(acceptStat: 1.7), b.update(acceptStat: 1))
        var c = DualAveraging(initialStepSize: 1)
        var z = DualAveraging(initialStepSize: 1)
        XCTAssertEqual(c.update(acceptStat: .nan), z.update(acceptStat: 0))
        c.restart(stepSize: 2)
        XCTAssertEqual(c.counter, 0)
        XCTAssertEqual(c.mu, Foundation.log(20), accuracy: 1e-15)
    }
}
