import Foundation
import Sampling
import XCTest

/// L-BFGS against maxima known in closed form.
final class LBFGSTests: XCTestCase {
    /// A strongly correlated Gaussian (AR(1), ρ = 0.9: condition number ≈ 360, d = 50): the mode is 0.
    func testCorrelatedGaussianMode() {
        var density = AR1Gaussian(dimension: 50, rho: 0.9, spreadScales: false)
        let start = (0..<50).map { Double($0 % 7) - 3 }
        let result = LBFGS.maximize(&density, from: start)
        XCTAssertTrue(result.converged, result.stop)
        for (i, x) in result.position.enumerated() {
            XCTAssertEqual(x, 0, accuracy: 1e-3, "coordinate \(i)")
        }
        // The stop tests are on the log density, so the position is known to about √tolerance.
        XCTAssertEqual(result.logDensity, 0, accuracy: 1e-6)
        XCTAssertLessThan(result.iterations, 200)
    }

    /// Rosenbrock's valley, log p = −(1 − x)² − 100 (y − x²)²: the maximum is (1, 1), reached
    /// through a curved valley that a gradient method crawls along.
    func testRosenbrock() {
        var density = Rosenbrock()
        let result = LBFGS.maximize(&density, from: [-1.2, 1])
        XCTAssertTrue(result.converged, result.stop)
        XCTAssertEqual(result.position[0], 1, accuracy: 1e-5)
        XCTAssertEqual(result.position[1], 1, accuracy: 1e-5)
    }

    /// log p = log x − x on x > 0 (NaN beyond): steps that leave the support are shortened;
    /// the maximum is x = 1.
    func testStepsOutsideTheSupportAreShortened() {
        var density = GammaShape()
        let result = LBFGS.maximize(&density, from: [0.05])
        XCTAssertTrue(result.converged, result.stop)
        XCTAssertEqual(result.position[0], 1, accuracy: 1e-6)
    }

    /// A start where the density is not finite is returned as it is, not converged, with the reason.
    func testNonFiniteStartIsReported() {
        var density = GammaShape()
        let result = LBFGS.maximize(&density, from: [-1])
        XCTAssertFalse(result.converged)
        XCTAssertEqual(result.position, [-1])
        XCTAssertTrue(result.stop.contains("not finite"), result.stop)
    }

    /// The iteration limit stops it, marked not converged, at the best point so far.
    func testIterationLimit() {
        var density = Rosenbrock()
        let result = LBFGS.maximize(&density, from: [-1.2, 1], settings: LBFGS.Settings(maxIterations: 3))
        XCTAssertFalse(result.converged)
        XCTAssertEqual(result.iterations, 3)
        let start = Rosenbrock()
        XCTAssertGreaterThan(
            result.logDensity,
            [-1.2, 1.0].withUnsafeBufferPointer { x in
                var g = [0.0, 0.0]
                return g.withUnsafeMutableBufferPointer { start.logDensity(x, gradient: $0) }
            })
    }
}

struct Rosenbrock: LogDensity {
    var dimension: Int { 2 }
    func logDensity(_ x: UnsafeBufferPointer<Double>, gradient: UnsafeMutableBufferPointer<Double>) -> Double {
        let a = 1 - x[0], b = x[1] - x[0] * x[0]
        gradient[0] = 2 * a + 400 * b * x[0]
        gradient[1] = -200 * b
        return -(a * a) - 100 * b * b
    }
}

/// log p = log x − x for x > 0, NaN elsewhere.
struct GammaShape: LogDensity {
    var dimension: Int { 1 }
    func logDensity(_ x: UnsafeBufferPointer<Double>, gradient: UnsafeMutableBufferPointer<Double>) -> Double {
        gradient[0] = 1 / x[0] - 1
        return x[0] > 0 ? Foundation.log(x[0]) - x[0] : .nan
    }
}
