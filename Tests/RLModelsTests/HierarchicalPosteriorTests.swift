import XCTest
import Foundation
import Randomness
@testable import RLModels

final class HierarchicalPosteriorTests: XCTestCase {
    func logDensity(_ posterior: HierarchicalPosterior, _ x: [Double], gradient: inout [Double]) -> Double {
        x.withUnsafeBufferPointer { xp in
            gradient.withUnsafeMutableBufferPointer { posterior.logDensity(xp, gradient: $0) }
        }
    }

    func logDensity(_ posterior: HierarchicalPosterior, _ x: [Double]) -> Double {
        x.withUnsafeBufferPointer { posterior.logDensity($0, gradient: nil) }
    }

    /// The gradient equals central finite differences at random points (relative error < 1e-6),
    /// for a simulated study with blocks and missed trials.
    func testGradientMatchesFiniteDifferences() throws {
        let model = ModelCatalog.bandit2armDelta
        let study = try StudySimulator.simulate(
            model: model, subjects: 7, trials: 60, blocks: 2, missingProbability: 0.1, seed: 9)
        let posterior = HierarchicalPosterior(model: model, batch: study.batch)
        var rng = Philox(seed: 12)
        for _ in 0..<5 {
            let x = (0..<posterior.dimension).map { _ in rng.nextUniform(-2, 2) }
            var g = [Double](repeating: 0, count: posterior.dimension)
            let lp = logDensity(posterior, x, gradient: &g)
            XCTAssert(lp.isFinite)
            for i in 0..<posterior.dimension {
                let h = 1e-5 * max(1, abs(x[i]))
                var up = x, down = x
                up[i] += h
                down[i] -= h
                let numeric = (logDensity(posterior, up) - logDensity(posterior, down)) / (2 * h)
                let relative = abs(g[i] - numeric) / max(1, abs(numeric))
                XCTAssertLessThan(
                    relative, 1e-6, "coordinate \(posterior.coordinateNames[i]): analytic \(g[i]) numeric \(numeric)")
            }
        }
    }

    /// The value without a gradient equals the value with one, and per-subject log-likelihoods
    /// are the by-product.
    func testValueWithAndWithoutGradientAndSubjectLogLikelihood() throws {
        let model = ModelCatalog.bandit2armDelta
        let study = try StudySimulator.simulate(model: model, subjects: 5, trials: 30, seed: 2)
        let posterior = HierarchicalPosterior(model: model, batch: study.batch)
        let x = (0..<posterior.dimension).map { 0.1 * Double($0 % 7) - 0.3 }
        var g = [Double](repeating: 0, count: posterior.dimension)
        let withGradient = logDensity(posterior, x, gradient: &g)
        let subjectLL = posterior.subjectLogLikelihood
        XCTAssertEqual(logDensity(posterior, x), withGradient)
        let theta = posterior.subjectParameters(x)
        let want = referenceSubjectLikelihood(batch: study.batch, a: Array(theta[0..<5]), tau: Array(theta[5..<10]))
        for s in 0..<5 { XCTAssertEqual(subjectLL[s], want[s].v, accuracy: 1e-12 * abs(want[s].v)) }
    }

    /// Two subjects × three trials, computed by hand.
    ///
    /// x: μ = (0, Φ≈⁻¹(0.2)), σ = (1, 1) (log σ = 0), z_A = (0, 0), z_τ = (0, 0), so both subjects
    /// have A = Φ≈(0) = 0.5 and τ = 5·0.2 = 1.
    /// Subject 1: choices 1, 1, 2 with outcomes 1, −1, 1.
    ///   t1: Q = (0, 0), P(1) = ½                          ℓ = −log 2;           Q₁ = 0.5
    ///   t2: Q = (0.5, 0), P(1) = e^0.5/(e^0.5 + 1)        ℓ = 0.5 − log(1 + e^0.5); Q₁ = 0.5 + 0.5·(−1.5) = −0.25
    ///   t3: Q = (−0.25, 0), P(2) = 1/(e^−0.25 + 1)        ℓ = −log(1 + e^−0.25)
    /// Subject 2: choices 2, missed, 2 with outcomes 1, ·, −1.
    ///   t1: ℓ = −log 2; Q₂ = 0.5. t2 missed. t3: Q = (0, 0.5), P(2) = e^0.5/(1 + e^0.5).
    /// Priors: −½Σμ² − ½Σ(σ/0.2)² + Σ log σ − ½Σz² = −½·Φ≈⁻¹(0.2)² − 25.
    func testTwoSubjectThreeTrialLogDensityByHand() throws {
        let text = "subjID\tchoice\toutcome\n1\t1\t1\n1\t1\t-1\n1\t2\t1\n2\t2\t1\n2\tNA\tNA\n2\t2\t-1\n"
        let batch = try TrialTableReader.parse(
            text: text, fileName: "hand.tsv", requirements: ModelCatalog.bandit2armDelta.data)
        let posterior = HierarchicalPosterior(model: ModelCatalog.bandit2armDelta, batch: batch)
        let m2 = PhiApprox.inverse(0.2)
        let x = [0, m2, 0, 0, 0, 0, 0, 0]
        let subject1 = -log(2.0) + (0.5 - log(1 + exp(0.5))) - log(1 + exp(-0.25))
        let subject2 = -log(2.0) + (0.5 - log(1 + exp(0.5)))
        let prior = -0.5 * m2 * m2 - 25
        XCTAssertEqual(logDensity(posterior, x), subject1 + subject2 + prior, accuracy: 1e-13)
        XCTAssertEqual(posterior.subjectLogLikelihood[0], subject1, accuracy: 1e-14)
        XCTAssertEqual(posterior.subjectLogLikelihood[1], subject2, accuracy: 1e-14)
        XCTAssertEqual(posterior.groupMeans(x), [0.5, 1.0000000000000002], accuracy: 1e-14)
        XCTAssertEqual(
            posterior.coordinateNames,
            ["mu_pr.1", "mu_pr.2", "sigma.1", "sigma.2", "A_pr.1", "A_pr.2", "tau_pr.1", "tau_pr.2"])
    }

    /// Non-finite input gives a non-finite log density (a divergence for the sampler), no trap.
    func testNonFiniteInputGivesNonFiniteDensity() throws {
        let study = try StudySimulator.simulate(model: ModelCatalog.bandit2armDelta, subjects: 3, trials: 10, seed: 1)
        let posterior = HierarchicalPosterior(model: ModelCatalog.bandit2armDelta, batch: study.batch)
        var x = [Double](repeating: 0, count: posterior.dimension)
        x[4] = .nan
        var g = x
        XCTAssertFalse(logDensity(posterior, x, gradient: &g).isFinite)
        x[4] = 0
        x[2] = 800 // σ overflows
        XCTAssertFalse(logDensity(posterior, x, gradient: &g).isFinite)
    }

    /// `via logistic`: θ = L + (U − L)·logistic(x), inverted by unconstrain, with dθ/dx; and a
    /// z scale c enters log p as −½(z/c)² (hgf_ibrb's c = 10).
    func testLogisticLinkAndZScale() throws {
        let model = try XCTUnwrap(ModelCatalog.model(named: "hgf_ibrb"))
        let omega = model.parameters[model.parameterIndex("omega_2")!]
        XCTAssertEqual(omega.transform, .logistic(lower: -15, upper: 0))
        XCTAssertEqual(omega.zScale, 10)
        for x in [-3.0, 0, 0.7] {
            let (value, derivative) = omega.constrain(x)
            XCTAssertEqual(value, -15 + 15 / (1 + exp(-x)), accuracy: 1e-13)
            XCTAssertEqual(
                derivative, (omega.constrain(x + 1e-6).value - omega.constrain(x - 1e-6).value) / 2e-6, accuracy: 1e-7)
            XCTAssertEqual(omega.unconstrain(value), x, accuracy: 1e-12)
        }
        let study = try StudySimulator.simulate(model: model, subjects: 3, trials: 20, seed: 2)
        let posterior = HierarchicalPosterior(model: model, batch: study.batch)
        var x = [Double](repeating: 0, count: posterior.dimension)
        let base = x.withUnsafeBufferPointer { posterior.logDensity($0, gradient: nil) }
        let P = model.parameters.count
        x[2 * P] = 3 // the first subject's z of the first parameter, with σ = 1: θ changes too
        x[P] = -50 // σ ≈ 0 so that only the prior on z changes
        let zero = x.withUnsafeBufferPointer { posterior.logDensity($0, gradient: nil) }
        x[2 * P] = 0
        let without = x.withUnsafeBufferPointer { posterior.logDensity($0, gradient: nil) }
        XCTAssertEqual(zero - without, -0.5 * 9 / 100, accuracy: 1e-12)
        XCTAssert(base.isFinite)
    }

    /// A parameter bounded by each subject's data (pstRT's tau in (RTbound, min(RT))): every
    /// subject's tau lies below its own fastest response, mu_tau uses the mean of those
    /// bounds (hBayesDM's), and a subject whose fastest response is not above RTbound is a
    /// data error naming the row.
    func testParameterBoundedByEachSubjectsData() throws {
        let model = try XCTUnwrap(ModelCatalog.model(named: "pstRT_rlddm1"))
        let study = try StudySimulator.simulate(model: model, subjects: 6, trials: 30, seed: 12)
        let b = study.batch, S = b.laneCount
        let rt = b.column("RT")
        let fastest = (0..<S).map { s in
            (0..<b.trialCount).filter { b.answered[$0 * S + s] }.map { rt[$0 * S + s] }.min()!
        }
        XCTAssertEqual(model.subjectUpperBounds(b)[1], fastest)
        let posterior = HierarchicalPosterior(model: model, batch: b)
        let p = model.parameterIndex("tau")!
        for point in [0.0, 1.5, 4.0] {
            var x = [Double](repeating: 0, count: posterior.dimension)
            x[p] = point
            let theta = posterior.subjectParameters(x)
            for s in 0..<S {
                let expected = 0.1 + (fastest[s] - 0.1) * PhiApprox.valueAndDerivative(point).value
                XCTAssertEqual(theta[p * S + s], expected, accuracy: 1e-14)
                XCTAssertLessThan(theta[p * S + s], fastest[s])
            }
            let mean = fastest.reduce(0, +) / Double(S)
            XCTAssertEqual(
                posterior.groupMeans(x)[p], 0.1 + (mean - 0.1) * PhiApprox.valueAndDerivative(point).value,
                accuracy: 1e-14)
        }
        // The gradient through the subject's own bound (finite differences in z).
        var x = (0..<posterior.dimension).map { Double($0 % 5) * 0.1 - 0.2 }
        var g = [Double](repeating: 0, count: x.count)
        _ = x.withUnsafeBufferPointer { xp in
            g.withUnsafeMutableBufferPointer { posterior.logDensity(xp, gradient: $0) }
        }
        let k = 2 * model.parameters.count + p * S + 2
        let h = 1e-6
        x[k] += h
        let up = x.withUnsafeBufferPointer { posterior.logDensity($0, gradient: nil) }
        x[k] -= 2 * h
        let down = x.withUnsafeBufferPointer { posterior.logDensity($0, gradient: nil) }
        XCTAssertEqual(g[k], (up - down) / (2 * h), accuracy: 1e-5 * max(1, abs(g[k])))
        // A subject with no answered trial takes the others' mean bound (not +∞: θ and the
        // gradient stay finite).
        var answered = b.answered
        for t in 0..<b.trialCount { answered[t * S] = false }
        let silent = TrialBatch(
            laneIDs: b.laneIDs, trialCount: b.trialCount, optionCount: b.optionCount, answered: answered,
            columns: b.columns, choiceColumn: b.choiceColumn, levels: b.levels, blockStart: b.blockStart,
            trialsPerLane: b.trialsPerLane)
        let others = Array(fastest.dropFirst())
        XCTAssertEqual(
            model.subjectUpperBounds(silent)[1]?[0] ?? 0, others.reduce(0, +) / Double(others.count), accuracy: 1e-14)
        let silentPosterior = HierarchicalPosterior(model: model, batch: silent)
        var gs = [Double](repeating: 0, count: silentPosterior.dimension)
        let lps = x.withUnsafeBufferPointer { xp in
            gs.withUnsafeMutableBufferPointer { silentPosterior.logDensity(xp, gradient: $0) }
        }
        XCTAssert(lps.isFinite && gs.allSatisfy(\.isFinite))
        // RTbound at or above a subject's fastest response.
        let tooHigh = try ModelDefinition(
            file: model.file, origin: model.origin, arguments: ["RTbound": fastest.min()!])
        XCTAssertThrowsError(try tooHigh.checkIndices(b, dataFile: "study.tsv")) { error in
            let text = "\(error)"
            XCTAssert(
                text.contains("study.tsv:") && text.contains("smallest RT")
                    && text.contains("not above tau's lower bound"), text)
        }
    }
}

func XCTAssertEqual(_ a: [Double], _ b: [Double], accuracy: Double, file: StaticString = #filePath, line: UInt = #line)
{
    XCTAssertEqual(a.count, b.count, file: file, line: line)
    for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, file: file, line: line) }
}
