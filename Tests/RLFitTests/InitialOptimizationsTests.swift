import Foundation
import RLFit
import Sampling
import XCTest

/// `--init optimize`: the optima of several L-BFGS runs, grouped into modes, and where chains start.
final class InitialOptimizationsTests: XCTestCase {
    /// A two-peaked density on ℝ (peaks at −2 and +3, the one at +3 higher by 6, a deep valley
    /// between): optimizations from uniform(−2, 2) starts find both; the groups are ordered by
    /// height; every chain starts at the higher peak; the result does not depend on threads.
    func testTwoPeaksAreFoundGroupedAndTheHigherChosen() throws {
        let one = try InitialOptimizations.run(count: 12, seed: 11, threads: 1) { TwoPeaks() }
        let two = try InitialOptimizations.run(count: 12, seed: 11, threads: 2) { TwoPeaks() }
        XCTAssertEqual(one.optima.map(\.number), two.optima.map(\.number))
        XCTAssertEqual(one.optima.map(\.position), two.optima.map(\.position))
        XCTAssertEqual(one.groups.count, 2, "\(one.optima.map(\.logDensity))")
        XCTAssertEqual(one.groups[0][0].position[0], 3, accuracy: 1e-6)
        XCTAssertEqual(one.groups[1][0].position[0], -2, accuracy: 1e-6)
        XCTAssertEqual(one.groups[0][0].logDensity - one.groups[1][0].logDensity, 6, accuracy: 1e-6)
        XCTAssertTrue(one.optima.allSatisfy(\.converged))
        let starts = one.startingPoints(chainIDs: [1, 2, 3, 4, 5])
        for c in 1...5 { XCTAssertEqual(starts[c]![0], 3, accuracy: 1e-6) }
        // Chain c starts at optimum ((c − 1) mod k) + 1 of the highest group, alone or not.
        let k = one.groups[0].count
        XCTAssertEqual(one.startingPoints(chainIDs: [k + 1])[k + 1], one.groups[0][0].position)
        XCTAssertTrue(one.summary.contains("12 optimizations"), one.summary)
        XCTAssertTrue(one.summary.contains("6.0 lower"), one.summary)
        XCTAssertTrue(one.summary.contains("only"), "a gap of 6 is called small: \(one.summary)")
        // Another seed gives other starts.
        let other = try InitialOptimizations.run(count: 12, seed: 12, threads: 1) { TwoPeaks() }
        XCTAssertNotEqual(other.optima.map(\.number), one.optima.map(\.number))
    }

    /// Optima within `sameMode` of each other are one mode; a larger gap starts another.
    func testGrouping() {
        func optimum(_ n: Int, _ lp: Double) -> InitialOptimizations.Optimum {
            .init(number: n, logDensity: lp, position: [Double(n)], iterations: 1, converged: true, stop: "")
        }
        let found = InitialOptimizations(optima: [
            optimum(1, -10), optimum(2, -10.05), optimum(3, -40), optimum(4, -9.98)
        ])
        XCTAssertEqual(found.groups.map { $0.map(\.number) }, [[4, 1, 2], [3]])
        XCTAssertEqual(found.startingPoints(chainIDs: [1, 2, 3, 4]).mapValues { $0[0] }, [1: 4, 2: 1, 3: 2, 4: 4])
        XCTAssertTrue(found.summary.contains("-10.0 (3×), -40.0 (1×)"), found.summary)
        XCTAssertTrue(found.summary.contains("e^-30"), found.summary)
    }

    /// No start with a finite density: the failure names the optimization.
    func testNowhereFiniteThrows() {
        XCTAssertThrowsError(try InitialOptimizations.run(count: 2, seed: 1, threads: 1) { Nowhere() }) { error in
            XCTAssertTrue("\(error)".contains("optimization 1"), "\(error)")
        }
    }
}

/// log p = log(e^{−(x+2)²·2} + e^{6 − (x−3)²·2}): peaks at −2 and 3 (heights 0 and 6).
private struct TwoPeaks: LogDensity {
    var dimension: Int { 1 }
    func logDensity(_ x: UnsafeBufferPointer<Double>, gradient: UnsafeMutableBufferPointer<Double>) -> Double {
        let a = -2 * (x[0] + 2) * (x[0] + 2), b = 6 - 2 * (x[0] - 3) * (x[0] - 3)
        let m = max(a, b)
        let ea = exp(a - m), eb = exp(b - m)
        gradient[0] = (ea * -4 * (x[0] + 2) + eb * -4 * (x[0] - 3)) / (ea + eb)
        return m + log(ea + eb)
    }
}

private struct Nowhere: LogDensity {
    var dimension: Int { 3 }
    func logDensity(_ x: UnsafeBufferPointer<Double>, gradient: UnsafeMutableBufferPointer<Double>) -> Double {
        for i in 0..<3 { gradient[i] = 0 }
        return .nan
    }
}
