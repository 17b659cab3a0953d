import XCTest
@testable import Diagnostics

/// Random-effects BMS: hand-derived cases, exact Beta/binomial identities, Monte Carlo, and
/// the symmetry and limit properties of `spm_BMS`.
final class BayesianModelSelectionTests: XCTestCase {
    func testSpecialFunctions() {
        // ψ(1) = −γ, ψ(½) = −γ − 2 log 2, ψ(x + 1) = ψ(x) + 1/x.
        let euler = 0.57721566490153286061
        XCTAssertEqual(SpecialFunctions.digamma(1), -euler, accuracy: 1e-15)
        XCTAssertEqual(SpecialFunctions.digamma(0.5), -euler - 2 * log(2.0), accuracy: 1e-14)
        for x in [0.3, 2.7, 11.5, 40.0, 1234.5] {
            XCTAssertEqual(
                SpecialFunctions.digamma(x + 1), SpecialFunctions.digamma(x) + 1 / x,
                accuracy: 1e-13 * max(1, abs(SpecialFunctions.digamma(x))))
        }
        // P(1, x) = 1 − e^(−x); P(n, x) = 1 − e^(−x) Σ_{j<n} x^j/j! for integer n.
        for x in [0.01, 0.5, 3.0, 20.0] {
            XCTAssertEqual(SpecialFunctions.regularizedLowerGamma(1, x), -expm1(-x), accuracy: 1e-15)
            var term = 1.0, partial = 0.0
            for j in 0..<5 {
                partial += term
                term *= x / Double(j + 1)
            }
            XCTAssertEqual(SpecialFunctions.regularizedLowerGamma(5, x), 1 - exp(-x) * partial, accuracy: 1e-14)
        }
        // P(½, x) = erf(√x).
        for x in [0.2, 1.0, 4.0] {
            XCTAssertEqual(SpecialFunctions.regularizedLowerGamma(0.5, x), erf(x.squareRoot()), accuracy: 1e-14)
        }
        XCTAssertTrue(SpecialFunctions.digamma(0).isNaN)
        XCTAssertTrue(SpecialFunctions.regularizedLowerGamma(-1, 2).isNaN)
    }

    func testGaussLegendreIntegratesPolynomialsExactly() {
        let (nodes, weights) = GaussLegendre.rule10
        XCTAssertEqual(weights.reduce(0, +), 2, accuracy: 1e-14)
        for power in 0...19 {
            let integral = zip(nodes, weights).reduce(0.0) { $0 + $1.1 * pow($1.0, Double(power)) }
            XCTAssertEqual(integral, power % 2 == 1 ? 0 : 2 / Double(power + 1), accuracy: 1e-14, "x^\(power)")
        }
    }

    func testTwoModelExceedanceIsTheBetaTail() {
        // For integer α, P(r₁ > ½) with r₁ ~ Beta(α₁, α₂) is P(Binomial(α₁ + α₂ − 1, ½) < α₁).
        for (a1, a2) in [(1, 1), (3, 1), (2, 5), (12, 9), (40, 31), (150, 52)] {
            let n = a1 + a2 - 1
            var cumulative = 0.0
            var logChoose = 0.0
            for j in 0..<a1 {
                if j > 0 { logChoose += log(Double(n - j + 1)) - log(Double(j)) }
                cumulative += exp(logChoose - Double(n) * log(2.0))
            }
            let xp = BayesianModelSelection.exceedanceProbabilities(alpha: [Double(a1), Double(a2)])
            XCTAssertEqual(xp[0], cumulative, accuracy: 1e-12, "α = (\(a1), \(a2))")
            XCTAssertEqual(xp[0] + xp[1], 1, accuracy: 1e-12)
        }
    }

    func testExceedanceAgreesWithMonteCarloAndSumsToOne() {
        // Non-integer α, some below 1 (the substituted integral), against 200 000 Dirichlet draws.
        var g = SplitMix64(seed: 11)
        for alpha in [[0.6, 2.3, 1.7], [5.5, 4.2, 6.1, 0.9], [30.2, 28.7, 3.1]] {
            let xp = BayesianModelSelection.exceedanceProbabilities(alpha: alpha)
            XCTAssertEqual(xp.reduce(0, +), 1, accuracy: 1e-10, "\(alpha)")
            var wins = [Double](repeating: 0, count: alpha.count)
            let draws = 200_000
            for _ in 0..<draws {
                let x = alpha.map { GammaSampler.draw(shape: $0, using: &g) }
                wins[x.indices.max { x[$0] < x[$1] }!] += 1
            }
            for k in alpha.indices {
                let p = wins[k] / Double(draws)
                let sd = (p * (1 - p) / Double(draws)).squareRoot()
                XCTAssertEqual(xp[k], p, accuracy: 5 * sd + 1e-4, "\(alpha) model \(k)")
            }
        }
        // Equal α: 1/K each.
        for xp in BayesianModelSelection.exceedanceProbabilities(alpha: [3, 3, 3, 3]) {
            XCTAssertEqual(xp, 0.25, accuracy: 1e-12)
        }
    }

    func testDecisiveEvidenceMatchesTheHandDerivation() {
        // Every subject's data favour model 1 by e^100: gₙ = (1, 0) to double precision, so
        // α = (1 + N, 1), E[r] = ((N+1)/(N+2), 1/(N+2)), xp₁ = P(Beta(N+1, 1) > ½) = 1 − 2^−(N+1).
        // Free energies (α₀ = 1): F₀ = Σₙ (Lₙ₁ − log 2); F₁ = Σₙ Lₙ₁ − log(N + 1) (the E log r₁
        // terms of the joint and of the entropy cancel, lnΓ(N+1) − lnΓ(N+2) = −log(N+1)), so
        // F₁ − F₀ = N log 2 − log(N + 1) and BOR = 1/(1 + 2^N/(N + 1)); N = 10: 11/1035.
        let n = 10
        let evidence = (0..<n).map { s in [-50.0 - Double(s), -150.0 - Double(s)] }
        let bms = BayesianModelSelection(logEvidence: evidence)
        XCTAssertEqual(bms.alpha[0], Double(n + 1), accuracy: 1e-12)
        XCTAssertEqual(bms.alpha[1], 1, accuracy: 1e-12)
        XCTAssertEqual(bms.expectedFrequencies[0], 11.0 / 12, accuracy: 1e-12)
        XCTAssertEqual(bms.exceedanceProbabilities[0], 1 - pow(2, -11), accuracy: 1e-12)
        let sumL1 = evidence.reduce(0) { $0 + $1[0] }
        XCTAssertEqual(bms.nullFreeEnergy, sumL1 - Double(n) * log(2.0), accuracy: 1e-10)
        XCTAssertEqual(bms.freeEnergy, sumL1 - log(Double(n + 1)), accuracy: 1e-10)
        XCTAssertEqual(bms.bayesOmnibusRisk, 11.0 / 1035, accuracy: 1e-13)
        let pxp1 = (1 - 11.0 / 1035) * (1 - pow(2, -11)) + 11.0 / 1035 / 2
        XCTAssertEqual(bms.protectedExceedanceProbabilities[0], pxp1, accuracy: 1e-12)
    }

    func testIndistinguishableModelsAreSymmetric() {
        // Lₙ₁ = Lₙ₂ = Lₙ₃ for every subject: g = 1/3, α = 1 + N/3, xp = pxp = 1/3, and the null
        // is favoured: F₀ = Σ Lₙ exactly; BOR > ½.
        let evidence = (0..<9).map { s in [Double](repeating: -20 - 0.5 * Double(s), count: 3) }
        let bms = BayesianModelSelection(logEvidence: evidence)
        for k in 0..<3 {
            XCTAssertEqual(bms.alpha[k], 4, accuracy: 1e-12)
            XCTAssertEqual(bms.exceedanceProbabilities[k], 1.0 / 3, accuracy: 1e-12)
            XCTAssertEqual(bms.protectedExceedanceProbabilities[k], 1.0 / 3, accuracy: 1e-12)
        }
        XCTAssertEqual(bms.nullFreeEnergy, evidence.reduce(0) { $0 + $1[0] }, accuracy: 1e-10)
        XCTAssertGreaterThan(bms.bayesOmnibusRisk, 0.5)
    }

    func testPermutingModelsPermutesTheResults() {
        let evidence: [[Double]] = [
            [-30, -32, -29.5], [-41, -38, -40], [-25, -25.5, -27], [-33, -31, -31.2],
            [-28, -30, -28.1], [-36, -35.2, -39]
        ]
        let bms = BayesianModelSelection(logEvidence: evidence)
        let permuted = BayesianModelSelection(logEvidence: evidence.map { [$0[2], $0[0], $0[1]] })
        for (a, b) in [(0, 1), (1, 2), (2, 0)] {
            XCTAssertEqual(bms.alpha[a], permuted.alpha[b], accuracy: 1e-9)
            XCTAssertEqual(bms.exceedanceProbabilities[a], permuted.exceedanceProbabilities[b], accuracy: 1e-10)
        }
        XCTAssertEqual(bms.bayesOmnibusRisk, permuted.bayesOmnibusRisk, accuracy: 1e-10)
        XCTAssertEqual(bms.alpha.reduce(0, +), Double(evidence.count + 3), accuracy: 1e-9)
        XCTAssertEqual(bms.protectedExceedanceProbabilities.reduce(0, +), 1, accuracy: 1e-10)
        XCTAssertEqual(bms.expectedFrequencies.reduce(0, +), 1, accuracy: 1e-12)
        // At the fixed point, α = α₀ + Σₙ gₙ.
        for k in 0..<3 {
            XCTAssertEqual(bms.alpha[k], 1 + bms.subjectModelProbabilities.reduce(0) { $0 + $1[k] }, accuracy: 1e-8)
        }
        // Shifting one subject's evidence by a constant changes neither α nor the BOR.
        var shifted = evidence
        shifted[2] = shifted[2].map { $0 + 100 }
        let s = BayesianModelSelection(logEvidence: shifted)
        XCTAssertEqual(s.alpha[0], bms.alpha[0], accuracy: 1e-9)
        XCTAssertEqual(s.bayesOmnibusRisk, bms.bayesOmnibusRisk, accuracy: 1e-10)
    }

    func testNonFiniteEvidenceGivesNaN() {
        let bms = BayesianModelSelection(logEvidence: [[-1, .nan], [-2, -3]])
        XCTAssertTrue(bms.alpha.allSatisfy(\.isNaN))
        XCTAssertTrue(bms.bayesOmnibusRisk.isNaN)
        XCTAssertTrue(BayesianModelSelection.exceedanceProbabilities(alpha: [1, 0]).allSatisfy(\.isNaN))
    }
}
