import Foundation
import LinearAlgebra
import Randomness
import Sampling
import XCTest

final class CovarianceEstimationTests: XCTestCase {
    private func correlatedDraws(n: Int, d: Int, rho: Double, seed: UInt64) -> Matrix {
        // AR(1) rows: x₀ ~ N(0,1), xᵢ = ρxᵢ₋₁ + √(1−ρ²) zᵢ, then column j scaled by j+1.
        var rng = Philox(seed: seed, stream: 0)
        var m = Matrix(rows: n, columns: d)
        for k in 0..<n {
            var previous = rng.nextNormal()
            m[k, 0] = previous
            for j in 1..<d {
                previous = rho * previous + (1 - rho * rho).squareRoot() * rng.nextNormal()
                m[k, j] = previous * Double(j + 1)
            }
        }
        return m
    }

    /// Welford equals the two-pass mean and covariance, dense and diagonal.
    func testWelfordMatchesTwoPass() {
        let draws = correlatedDraws(n: 50, d: 4, rho: 0.7, seed: 1)
        var dense = WelfordEstimator(dimension: 4, dense: true)
        var diag = WelfordEstimator(dimension: 4, dense: false)
        for k in 0..<50 {
            let row = (0..<4).map { draws[k, $0] }
            dense.add(row)
            diag.add(row)
        }
        for i in 0..<4 {
            let mi = (0..<50).map { draws[$0, i] }.reduce(0, +) / 50
            XCTAssertEqual(dense.mean[i], mi, accuracy: 1e-12)
            for j in 0..<4 {
                let mj = (0..<50).map { draws[$0, j] }.reduce(0, +) / 50
                let c = (0..<50).reduce(0.0) { $0 + (draws[$1, i] - mi) * (draws[$1, j] - mj) } / 49
                XCTAssertEqual(dense.covariance[i, j], c, accuracy: 1e-12)
            }
            XCTAssertEqual(diag.variance[i], dense.covariance[i, i], accuracy: 1e-12)
        }
        dense.restart()
        XCTAssertEqual(dense.count, 0)
        XCTAssertEqual(dense.variance, [0, 0, 0, 0])
    }

    /// Stan's regularization by hand: n = 20 → 20/25·Σ + 10⁻³·5/25·I.
    func testStanRegularization() {
        let s = CovarianceShrinkage.stanRegularized(Matrix([[2, 1], [1, 3]]), count: 20)
        XCTAssertEqual(s[0, 0], 0.8 * 2 + 2e-4, accuracy: 1e-15)
        XCTAssertEqual(s[0, 1], 0.8, accuracy: 1e-15)
        XCTAssertEqual(s[1, 1], 0.8 * 3 + 2e-4, accuracy: 1e-15)
        XCTAssertEqual(CovarianceShrinkage.stanRegularized(variances: [2], count: 20)[0], 1.6002, accuracy: 1e-15)
    }

    /// The shrinkage estimator against the formula evaluated directly (loops, no BLAS) on a
    /// small sample: same intensity, variances kept, correlations scaled by 1 − λ.
    func testShrinkageMatchesTheFormula() {
        let n = 12, d = 4
        let x = correlatedDraws(n: n, d: d, rho: 0.5, seed: 2)
        let estimate = CovarianceShrinkage.shrinkTowardDiagonal(draws: x)
        let nn = Double(n)
        var mean = [Double](repeating: 0, count: d), sd = [Double](repeating: 0, count: d)
        for j in 0..<d { mean[j] = (0..<n).reduce(0.0) { $0 + x[$1, j] } / nn }
        for j in 0..<d {
            sd[j] = ((0..<n).reduce(0.0) { $0 + Foundation.pow(x[$1, j] - mean[j], 2) } / (nn - 1)).squareRoot()
        }
        var num = 0.0, den = 0.0
        var r = Matrix(rows: d, columns: d)
        for i in 0..<d {
            for j in 0..<d where i != j {
                let w = (0..<n).map { (x[$0, i] - mean[i]) / sd[i] * (x[$0, j] - mean[j]) / sd[j] }
                let wBar = w.reduce(0, +) / nn
                r[i, j] = w.reduce(0, +) / (nn - 1)
                num += nn / Foundation.pow(nn - 1, 3) * w.reduce(0.0) { $0 + ($1 - wBar) * ($1 - wBar) }
                den += r[i, j] * r[i, j]
            }
        }
        let lambda = min(1, max(0, num / den))
        XCTAssertEqual(estimate.intensity, lambda, accuracy: 1e-12)
        XCTAssertGreaterThan(lambda, 0)
        XCTAssertLessThan(lambda, 1)
        for i in 0..<d {
            XCTAssertEqual(estimate.covariance[i, i], sd[i] * sd[i], accuracy: 1e-12)
            for j in 0..<d where i != j {
                XCTAssertEqual(estimate.covariance[i, j], (1 - lambda) * r[i, j] * sd[i] * sd[j], accuracy: 1e-12)
            }
        }
    }

    /// Many draws of strongly correlated data: little shrinkage. Few draws of independent
    /// data: nearly all of it. The shrunk matrix is positive definite even with n < d, where
    /// the sample covariance is singular.
    func testShrinkageIntensityFollowsTheEvidence() throws {
        let strong = CovarianceShrinkage.shrinkTowardDiagonal(draws: correlatedDraws(n: 2000, d: 10, rho: 0.9, seed: 3))
        XCTAssertLessThan(strong.intensity, 0.05)
        let weak = CovarianceShrinkage.shrinkTowardDiagonal(draws: correlatedDraws(n: 30, d: 10, rho: 0, seed: 4))
        XCTAssertGreaterThan(weak.intensity, 0.5)
        let short = CovarianceShrinkage.shrinkTowardDiagonal(draws: correlatedDraws(n: 25, d: 60, rho: 0.9, seed: 5))
        XCTAssertGreaterThan(short.intensity, 0)
        XCTAssertNoThrow(try choleskyLower(short.covariance))
    }
}
