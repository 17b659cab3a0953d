import Diagnostics
import Foundation
import Sampling
import XCTest

/// Statistical assertions on sampler output, with ESS and MCSE from the Diagnostics module.
enum MomentChecks {
    /// Post-warmup draws of `parameter` from each chain.
    static func chains(_ results: [ChainResult], parameter j: Int) -> [[Double]] {
        results.map { $0.samplingDraws(parameter: j) }
    }

    /// Draws of a derived quantity f(position) from each chain.
    static func chains(_ results: [ChainResult], _ f: (ArraySlice<Double>) -> Double) -> [[Double]] {
        results.map { r in (r.warmupDrawCount..<r.drawCount).map { f(r.position($0)) } }
    }

    static func mean(_ chains: [[Double]]) -> Double {
        let all = chains.flatMap { $0 }
        return all.reduce(0, +) / Double(all.count)
    }

    static func sd(_ chains: [[Double]]) -> Double {
        let all = chains.flatMap { $0 }
        let m = all.reduce(0, +) / Double(all.count)
        return (all.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(all.count - 1)).squareRoot()
    }

    /// Asserts |mean − trueMean| ≤ 4·√(MCSE² + referenceMCSE²) and |sd/trueSD − 1| ≤ 10%.
    static func assertMoments(
        _ chains: [[Double]], name: String, mean trueMean: Double, sd trueSD: Double,
        referenceMCSE: Double = 0, sdTolerance: Double = 0.10,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        let m = mean(chains)
        let s = sd(chains)
        let mcse = Convergence.mcseMean(chains)
        let tolerance = 4 * (mcse * mcse + referenceMCSE * referenceMCSE).squareRoot()
        XCTAssert(mcse.isFinite && mcse > 0, "\(name): MCSE \(mcse)", file: file, line: line)
        XCTAssertLessThanOrEqual(
            abs(m - trueMean), tolerance,
            "\(name): mean \(m) vs \(trueMean) (4 MCSE = \(tolerance))", file: file, line: line)
        XCTAssertLessThanOrEqual(
            abs(s / trueSD - 1), sdTolerance,
            "\(name): sd \(s) vs \(trueSD)", file: file, line: line)
    }

    /// Smallest bulk ESS over parameters, per post-warmup gradient evaluation (all chains).
    static func minimumESSPerGradient(_ results: [ChainResult]) -> (ess: Double, perGradient: Double) {
        let d = results[0].dimension
        let ess = (0..<d).map { Convergence.essBulk(chains(results, parameter: $0)) }.min()!
        let gradients = results.reduce(0) { $0 + $1.samplingGradientEvaluations }
        return (ess, ess / Double(gradients))
    }
}
