import Foundation
import LinearAlgebra
import Randomness
@testable import Sampling
import XCTest

/// The integrator on a Gaussian target, with unit, diagonal and dense metrics.
final class LeapfrogTests: XCTestCase {
    /// A small workspace: one phase point on `target` with `metric`.
    private final class Setup<D: LogDensity> {
        let hamiltonian: Hamiltonian<D>
        let storage: UnsafeMutablePointer<Double>
        let z: PhasePoint
        init(_ target: D, metric: EuclideanMetric) {
            hamiltonian = Hamiltonian(density: target, metric: metric)
            let d = target.dimension
            storage = .allocate(capacity: PhasePoint.size(dimension: d))
            storage.initialize(repeating: 0, count: PhasePoint.size(dimension: d))
            z = PhasePoint(base: storage, dimension: d)
        }
        deinit { storage.deallocate() }
    }

    private func metrics(dimension d: Int) throws -> [EuclideanMetric] {
        let unit = EuclideanMetric(dimension: d)
        let diag = EuclideanMetric(dimension: d)
        diag.setDiagonal((0..<d).map { 0.5 + Double($0) * 0.1 })
        let dense = EuclideanMetric(dimension: d)
        var sigma = Matrix(rows: d, columns: d)
        for i in 0..<d { for j in 0..<d { sigma[i, j] = Foundation.pow(0.6, Double(abs(i - j))) } }
        dense.setDense(covariance: sigma, cholesky: try choleskyLower(sigma))
        return [unit, diag, dense]
    }

    /// L steps forward, momentum negated, L steps forward again: back at the start
    /// (time reversibility), to rounding.
    func testReversibility() throws {
        let target = AR1Gaussian(dimension: 6, rho: 0.8, spreadScales: true)
        for metric in try metrics(dimension: 6) {
            let s = Setup(target, metric: metric)
            var rng = Philox(seed: 3, stream: 0)
            for i in 0..<6 { s.z.q[i] = rng.nextUniform(-2, 2) }
            s.z.logDensity = s.hamiltonian.logDensity(at: s.z.q, gradient: s.z.g)
            metric.sampleMomentum(into: s.z.p, rng: &rng)
            s.hamiltonian.updateKinetic(s.z)
            let q0 = (0..<6).map { s.z.q[$0] }, p0 = (0..<6).map { s.z.p[$0] }
            for _ in 0..<25 { s.hamiltonian.leapfrog(s.z, stepSize: 0.05) }
            XCTAssertGreaterThan(zip(q0, (0..<6).map { s.z.q[$0] }).map { abs($0 - $1) }.max()!, 0.1)
            for i in 0..<6 { s.z.p[i] = -s.z.p[i] }
            for _ in 0..<25 { s.hamiltonian.leapfrog(s.z, stepSize: 0.05) }
            for i in 0..<6 {
                XCTAssertEqual(s.z.q[i], q0[i], accuracy: 1e-10)
                XCTAssertEqual(-s.z.p[i], p0[i], accuracy: 1e-10)
            }
            // Integrating backward (negative step) also retraces.
            for i in 0..<6 { s.z.p[i] = -s.z.p[i] }
            for _ in 0..<25 { s.hamiltonian.leapfrog(s.z, stepSize: 0.05) }
            for _ in 0..<25 { s.hamiltonian.leapfrog(s.z, stepSize: -0.05) }
            for i in 0..<6 { XCTAssertEqual(s.z.q[i], q0[i], accuracy: 1e-10) }
        }
    }

    /// The energy error over a fixed time T = Lε is O(ε²): it stays small, and halving ε
    /// divides it by about 4. Also exact for a 1-d standard normal with unit metric: one step
    /// maps (q, p) by the known matrix [[1 − ε²/2, ε], [−ε(1 − ε²/4), 1 − ε²/2]].
    func testEnergyConservation() throws {
        let target = AR1Gaussian(dimension: 6, rho: 0.8, spreadScales: false)
        for metric in try metrics(dimension: 6) {
            func maxEnergyError(_ epsilon: Double) -> Double {
                let s = Setup(target, metric: metric)
                var rng = Philox(seed: 11, stream: 0)
                for i in 0..<6 { s.z.q[i] = rng.nextNormal() }
                s.z.logDensity = s.hamiltonian.logDensity(at: s.z.q, gradient: s.z.g)
                metric.sampleMomentum(into: s.z.p, rng: &rng)
                s.hamiltonian.updateKinetic(s.z)
                let h0 = s.z.hamiltonian
                var worst = 0.0
                for _ in 0..<Int((2 / epsilon).rounded()) {
                    s.hamiltonian.leapfrog(s.z, stepSize: epsilon)
                    worst = max(worst, abs(s.z.hamiltonian - h0))
                }
                return worst
            }
            let coarse = maxEnergyError(0.02), fine = maxEnergyError(0.01)
            XCTAssertLessThan(coarse, 0.01)
            XCTAssertEqual(coarse / fine, 4, accuracy: 0.6)
        }
        let s = Setup(IndependentGaussian(dimension: 1), metric: EuclideanMetric(dimension: 1))
        s.z.q[0] = 0.7
        s.z.p[0] = -0.4
        s.z.logDensity = s.hamiltonian.logDensity(at: s.z.q, gradient: s.z.g)
        let e = 0.3
        s.hamiltonian.leapfrog(s.z, stepSize: e)
        XCTAssertEqual(s.z.q[0], (1 - e * e / 2) * 0.7 + e * -0.4, accuracy: 1e-14)
        XCTAssertEqual(s.z.p[0], -e * (1 - e * e / 4) * 0.7 + (1 - e * e / 2) * -0.4, accuracy: 1e-14)
        XCTAssertEqual(s.z.kinetic, 0.5 * s.z.p[0] * s.z.p[0], accuracy: 1e-15)
        XCTAssertEqual(s.hamiltonian.gradientEvaluations, 2)
    }

    /// A NaN log density makes the Hamiltonian +∞ (a divergence), never NaN.
    func testNonFiniteDensityGivesInfiniteEnergy() {
        let s = Setup(WalledGaussian(), metric: EuclideanMetric(dimension: 2))
        s.z.q[0] = 0.9
        s.z.q[1] = 0
        s.z.logDensity = s.hamiltonian.logDensity(at: s.z.q, gradient: s.z.g)
        s.z.p[0] = 5
        s.z.p[1] = 0
        s.hamiltonian.leapfrog(s.z, stepSize: 0.5)
        XCTAssert(s.z.logDensity.isNaN)
        XCTAssertEqual(s.z.hamiltonian, .infinity)
    }
}
