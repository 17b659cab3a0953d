import Foundation
import LinearAlgebra
@testable import Sampling
import XCTest

final class MetricAdaptationTests: XCTestCase {
    /// A covariance that LAPACK cannot factor: the window falls back to its diagonal, with a
    /// warning naming the window and dpotrf's complaint; the next window can be dense again.
    func testFailedFactorizationFallsBackToDiagonal() throws {
        let metric = EuclideanMetric(dimension: 2)
        let notPositiveDefinite = Matrix([[1, 2], [2, 1]])
        let warnings = MetricAdaptation.installDense(
            notPositiveDefinite, in: metric, context: "chain 1, metric window 3")
        XCTAssertEqual(metric.inverseMetric, .diagonal([1, 1]))
        XCTAssertEqual(warnings.count, 1)
        XCTAssert(warnings[0].contains("chain 1, metric window 3"), warnings[0])
        XCTAssert(warnings[0].contains("dpotrf") && warnings[0].contains("order 2"), warnings[0])
        XCTAssert(warnings[0].contains("diagonal"), warnings[0])

        let good = Matrix([[2, 0.5], [0.5, 1]])
        XCTAssertEqual(MetricAdaptation.installDense(good, in: metric, context: "window 4"), [])
        XCTAssertEqual(metric.inverseMetric, .dense(good))

        let overflow = Matrix([[.infinity, 0], [0, 1]])
        let kept = MetricAdaptation.installDense(overflow, in: metric, context: "window 5")
        XCTAssert(kept.first?.contains("not finite") ?? false)
        XCTAssertEqual(metric.inverseMetric, .dense(good))
    }

    /// A dense window estimate from draws: Stan's estimator reproduces the regularized sample
    /// covariance; `.automatic` uses it when n ≥ 2d and shrinkage below.
    func testWindowEstimates() {
        XCTAssertEqual(CovarianceEstimator.automatic.resolved(count: 200, dimension: 100), .stan)
        XCTAssertEqual(CovarianceEstimator.automatic.resolved(count: 199, dimension: 100), .shrinkage)
        XCTAssertEqual(CovarianceEstimator.shrinkage.resolved(count: 10_000, dimension: 2), .shrinkage)
        let rows: [[Double]] = [[1, 2], [2, 1], [0, 0], [3, 5], [-1, -2], [2, 2]]
        var adaptation = MetricAdaptation(kind: .dense, estimator: .stan, dimension: 2, longestWindow: 6)
        var welford = WelfordEstimator(dimension: 2, dense: true)
        for r in rows {
            r.withUnsafeBufferPointer { adaptation.add($0.baseAddress!) }
            welford.add(r)
        }
        let metric = EuclideanMetric(dimension: 2)
        XCTAssertEqual(adaptation.update(metric, context: "w"), [])
        let expected = CovarianceShrinkage.stanRegularized(welford.covariance, count: 6)
        guard case let .dense(sigma) = metric.inverseMetric else { return XCTFail("not dense") }
        for i in 0..<4 { XCTAssertEqual(sigma.storage[i], expected.storage[i], accuracy: 1e-14) }

        var shrinking = MetricAdaptation(kind: .dense, estimator: .automatic, dimension: 2, longestWindow: 3)
        for r in rows.prefix(3) { r.withUnsafeBufferPointer { shrinking.add($0.baseAddress!) } }
        XCTAssertEqual(shrinking.update(metric, context: "w"), [])
        var draws = Matrix(rows: 3, columns: 2)
        for k in 0..<3 { for j in 0..<2 { draws[k, j] = rows[k][j] } }
        let shrunk = CovarianceShrinkage.stanRegularized(
            CovarianceShrinkage.shrinkTowardDiagonal(draws: draws).covariance, count: 3)
        guard case let .dense(sigma2) = metric.inverseMetric else { return XCTFail("not dense") }
        for i in 0..<4 { XCTAssertEqual(sigma2.storage[i], shrunk.storage[i], accuracy: 1e-14) }
    }
}
