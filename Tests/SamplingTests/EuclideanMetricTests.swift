import Foundation
import LinearAlgebra
import Randomness
@testable import Sampling
import XCTest

final class EuclideanMetricTests: XCTestCase {
    /// Dense metric: momenta p = L⁻ᵀz have covariance M = Σ⁻¹, and the velocity is Σp.
    func testDenseMomentumCovarianceIsTheInverseOfSigma() throws {
        let d = 3
        let sigma = Matrix([[2.0, 0.8, 0.3], [0.8, 1.0, -0.4], [0.3, -0.4, 0.5]])
        let metric = EuclideanMetric(dimension: d)
        metric.setDense(covariance: sigma, cholesky: try choleskyLower(sigma))
        var rng = Philox(seed: 5, stream: 1)
        let p = UnsafeMutablePointer<Double>.allocate(capacity: d)
        let v = UnsafeMutablePointer<Double>.allocate(capacity: d)
        defer { p.deallocate(); v.deallocate() }
        var second = Matrix(rows: d, columns: d)
        let n = 200_000
        for _ in 0..<n {
            metric.sampleMomentum(into: p, rng: &rng)
            for i in 0..<d { for j in 0..<d { second[i, j] += p[i] * p[j] / Double(n) } }
        }
        // Σ · E[ppᵀ] ≈ I.
        let product = sigma.multiplied(by: second)
        for i in 0..<d { for j in 0..<d { XCTAssertEqual(product[i, j], i == j ? 1 : 0, accuracy: 0.02) } }
        p[0] = 1; p[1] = -2; p[2] = 0.5
        metric.velocity(p, into: v)
        let expected = sigma.multiplied(by: [1, -2, 0.5])
        for i in 0..<d { XCTAssertEqual(v[i], expected[i], accuracy: 1e-14) }
        XCTAssertEqual(metric.inverseMetric, .dense(sigma))
    }

    /// Diagonal metric: pᵢ has variance 1/mᵢ, vᵢ = mᵢpᵢ.
    func testDiagonalMetric() {
        let metric = EuclideanMetric(dimension: 2)
        metric.setDiagonal([4, 0.25])
        var rng = Philox(seed: 9, stream: 0)
        let p = UnsafeMutablePointer<Double>.allocate(capacity: 2)
        let v = UnsafeMutablePointer<Double>.allocate(capacity: 2)
        defer { p.deallocate(); v.deallocate() }
        var s0 = 0.0, s1 = 0.0
        let n = 100_000
        for _ in 0..<n {
            metric.sampleMomentum(into: p, rng: &rng)
            s0 += p[0] * p[0]
            s1 += p[1] * p[1]
        }
        XCTAssertEqual(s0 / Double(n), 0.25, accuracy: 0.01)
        XCTAssertEqual(s1 / Double(n), 4, accuracy: 0.1)
        p[0] = 2; p[1] = 3
        metric.velocity(p, into: v)
        XCTAssertEqual(v[0], 8)
        XCTAssertEqual(v[1], 0.75)
        XCTAssertEqual(metric.inverseMetric, .diagonal([4, 0.25]))
    }
}
