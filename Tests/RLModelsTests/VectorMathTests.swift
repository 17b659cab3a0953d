import XCTest
import Foundation
import Randomness
@testable import RLModels

/// Scalar views of the lane-wise kernels: each value is put in every lane, and all lanes must agree.
func lanewise(_ f: (Lanes) -> Lanes, _ x: Double) -> Double {
    let y = f(Lanes(x, x, x, x))
    precondition(y[0].bitPattern == y[3].bitPattern || y[0].isNaN)
    return y[0]
}
func expNonPositive(_ x: Double) -> Double { lanewise(expNonPositive, x) }
func log1pUnit(_ x: Double) -> Double { lanewise(log1pUnit, x) }
func logPositive(_ x: Double) -> Double { lanewise(logPositive, x) }

final class VectorMathTests: XCTestCase {
    /// Lanes are independent: mixed inputs give each lane its own answer.
    func testLanesAreIndependent() {
        let y = expNonPositive(Lanes(0, -1, -800, -0.5))
        XCTAssertEqual(y[0], 1)
        XCTAssertEqual(y[1], Foundation.exp(-1), accuracy: 1e-16)
        XCTAssertEqual(y[2], Foundation.exp(-708), accuracy: 1e-320)
        XCTAssertEqual(y[3], Foundation.exp(-0.5), accuracy: 2e-16)
        let l = log1pUnit(Lanes(0, 1e-300, 0.3, 1))
        XCTAssertEqual(l[1], 1e-300)
        XCTAssertEqual(l[2], Foundation.log1p(0.3), accuracy: 1e-16)
    }

    func relativeError(_ x: Double, _ y: Double) -> Double { abs(x - y) / max(abs(y), .leastNormalMagnitude) }

    func testExpNonPositiveMatchesLibm() {
        var worst = 0.0
        var rng = Philox(seed: 3)
        for i in 0..<200_000 {
            let y = i < 1000 ? -Double(i) * 0.708 : -rng.nextUniform() * (i % 2 == 0 ? 1 : 700)
            worst = max(worst, relativeError(expNonPositive(y), Foundation.exp(y)))
        }
        XCTAssertLessThan(worst, 1e-15)
        XCTAssertEqual(expNonPositive(0), 1)
        XCTAssertEqual(expNonPositive(-.infinity), Foundation.exp(-708), accuracy: 1e-320)
        XCTAssert(expNonPositive(.nan).isNaN)
    }

    func testLog1pUnitMatchesLibm() {
        var worst = 0.0
        var rng = Philox(seed: 4)
        for i in 0..<200_000 {
            let e = i < 400 ? Foundation.pow(2, -Double(i) / 4) : rng.nextUniform()
            worst = max(worst, relativeError(log1pUnit(e), Foundation.log1p(e)))
        }
        XCTAssertLessThan(worst, 1e-15)
        XCTAssertEqual(log1pUnit(0), 0)
        XCTAssertEqual(log1pUnit(1), Foundation.log(2), accuracy: 1e-16)
    }

    func testLogPositiveMatchesLibm() {
        var worst = 0.0
        var rng = Philox(seed: 5)
        for _ in 0..<200_000 {
            let x = Foundation.exp(rng.nextUniform(-700, 700))
            worst = max(worst, abs(logPositive(x) - Foundation.log(x)) / max(1, abs(Foundation.log(x))))
        }
        for x in [1.0, 2, 0.5, 0.7071067811865476, 1.4142135623730951, 3, 1e-300, 1e300] {
            XCTAssertEqual(logPositive(x), Foundation.log(x), accuracy: 2e-16 * max(1, abs(Foundation.log(x))))
        }
        XCTAssertLessThan(worst, 1e-15)
    }

    func testPhiApproxAndInverse() {
        XCTAssertEqual(PhiApprox.value(0), 0.5)
        // Φ≈ is within 1.4e-4 of the normal CDF: Φ(1) = 0.841344746.
        XCTAssertEqual(PhiApprox.value(1), 0.841344746, accuracy: 1.5e-4)
        for p in [0.01, 0.3, 0.5, 0.77, 0.999] { XCTAssertEqual(PhiApprox.value(PhiApprox.inverse(p)), p, accuracy: 1e-14) }
        for x in [-3.0, -0.4, 0, 0.9, 2.5] {
            let h = 1e-6
            let numeric = (PhiApprox.value(x + h) - PhiApprox.value(x - h)) / (2 * h)
            XCTAssertEqual(PhiApprox.valueAndDerivative(x).derivative, numeric, accuracy: 1e-8)
        }
    }
}
