import XCTest
import Randomness
@testable import RLModels

/// The delta rule's semantics as the lane machine runs the model language (banditNarm_delta's
/// file, reward = gain − |loss| = the outcome here): masked and padded slots, block resets,
/// extremes.
final class DeltaRuleSemanticsTests: XCTestCase {
    /// A random study with blocks, missed trials and unequal lengths.
    func randomBatch(options k: Int, subjects: Int, seed: UInt64) -> TrialBatch {
        var rng = Philox(seed: seed)
        let rows = (0..<subjects).map { _ -> (choices: [Int], outcomes: [Double], blocks: [Int]) in
            let n = 5 + Int(rng.nextUniform() * 40)
            let blocks = 1 + Int(rng.nextUniform() * 3)
            let choices = (0..<n).map { _ in rng.nextUniform() < 0.15 ? 0 : 1 + Int(rng.nextUniform() * Double(k)) }
            let outcomes = (0..<n).map { _ in rng.nextUniform() < 0.5 ? 1.0 : -1.0 + rng.nextUniform() }
            var choicesFixed = choices
            if !choicesFixed.contains(where: { $0 > 0 }) { choicesFixed[0] = 1 }
            return (choicesFixed, outcomes, (0..<n).map { $0 * blocks / n })
        }
        return makeBatch(options: k, subjects: rows)
    }

    func evaluate(_ batch: TrialBatch, a: [Double], tau: [Double]) -> (
        total: Double, ll: [Double], ga: [Double], gt: [Double]
    ) {
        let scan = ModelCatalog.model(named: "banditNarm_delta")!.makeLikelihood(batch)
        let S = batch.laneCount
        var ll = [Double](repeating: .nan, count: S), g = [Double](repeating: .nan, count: 2 * S)
        let theta = a + tau
        let total = theta.withUnsafeBufferPointer { th in
            ll.withUnsafeMutableBufferPointer { llp in
                g.withUnsafeMutableBufferPointer {
                    scan.evaluate(
                        theta: th.baseAddress!, subjectLogLikelihood: llp.baseAddress!, gradient: $0.baseAddress!)
                }
            }
        }
        return (total, ll, Array(g[0..<S]), Array(g[S...]))
    }

    /// The lane machine equals the plain one-subject-at-a-time reference: values and exact
    /// (forward-mode) gradients, for 2, 3 and 5 options, with blocks, missed trials, padding.
    func testBatchedScanEqualsSlowReference() {
        for (k, seed) in [(2, UInt64(1)), (2, 2), (3, 3), (5, 4)] {
            let batch = randomBatch(options: k, subjects: 13, seed: seed)
            var rng = Philox(seed: seed, stream: 7)
            let a = (0..<13).map { _ in rng.nextUniform(0.01, 0.99) }
            let tau = (0..<13).map { _ in rng.nextUniform(0.05, 8) }
            let got = evaluate(batch, a: a, tau: tau)
            let want = referenceSubjectLikelihood(batch: batch, a: a, tau: tau)
            for s in 0..<13 {
                XCTAssertEqual(
                    got.ll[s], want[s].v, accuracy: 1e-11 * max(1, abs(want[s].v)), "K=\(k) subject \(s) log-lik")
                XCTAssertEqual(
                    got.ga[s], want[s].dA, accuracy: 1e-10 * max(1, abs(want[s].dA)), "K=\(k) subject \(s) dA")
                XCTAssertEqual(
                    got.gt[s], want[s].dTau, accuracy: 1e-10 * max(1, abs(want[s].dTau)), "K=\(k) subject \(s) dTau")
            }
            XCTAssertEqual(got.total, want.reduce(0) { $0 + $1.v }, accuracy: 1e-10 * abs(got.total))
        }
    }

    /// Missed trials keep their place in time but add nothing and update nothing: for the delta
    /// rule the likelihood equals that of the same data with those rows deleted. Padding: a
    /// subject in a batch with a longer subject has the likelihood it has alone.
    func testMissedAndPaddedTrialsContributeNothing() {
        let choices = [1, 0, 2, 2, 0, 0, 1, 2, 1, 0]
        let outcomes: [Double] = [1, 1, -1, 1, -1, 1, 1, -1, 1, 1]
        let blocks = [Int](repeating: 0, count: 10)
        let kept = choices.indices.filter { choices[$0] > 0 }
        let withMissing = makeBatch(options: 2, subjects: [(choices, outcomes, blocks)])
        let deleted = makeBatch(
            options: 2, subjects: [(kept.map { choices[$0] }, kept.map { outcomes[$0] }, kept.map { _ in 0 })])
        let a = [0.37], tau = [2.2]
        let x = evaluate(withMissing, a: a, tau: tau), y = evaluate(deleted, a: a, tau: tau)
        XCTAssertEqual(x.total, y.total, accuracy: 1e-13)
        XCTAssertEqual(x.ga[0], y.ga[0], accuracy: 1e-13)
        XCTAssertEqual(x.gt[0], y.gt[0], accuracy: 1e-13)

        let long = (
            choices: [1, 2, 2, 1, 1, 2, 1, 2, 2, 1, 1, 1, 2, 1, 2, 2, 1, 1, 2, 1],
            outcomes: [Double](repeating: 1, count: 20), blocks: [Int](repeating: 0, count: 20)
        )
        let padded = makeBatch(options: 2, subjects: [(choices, outcomes, blocks), long])
        let p = evaluate(padded, a: [0.37, 0.5], tau: [2.2, 1])
        XCTAssertEqual(p.ll[0], x.ll[0], accuracy: 1e-13)
        XCTAssertEqual(p.ga[0], x.ga[0], accuracy: 1e-13)
    }

    /// At a block start the values reset: a subject with two blocks has the likelihood of two
    /// subjects with one block each (same parameters).
    func testBlockStartResetsValues() {
        let c1 = [1, 1, 2, 1, 2], o1: [Double] = [1, 1, -1, -1, 1]
        let c2 = [2, 2, 1, 0, 2, 1], o2: [Double] = [1, -1, 1, 1, 1, -1]
        let twoBlocks = makeBatch(
            options: 3, subjects: [(c1 + c2, o1 + o2, [Int](repeating: 1, count: 5) + [Int](repeating: 2, count: 6))])
        let split = makeBatch(
            options: 3, subjects: [(c1, o1, [Int](repeating: 1, count: 5)), (c2, o2, [Int](repeating: 2, count: 6))])
        let joint = evaluate(twoBlocks, a: [0.6], tau: [1.7])
        let parts = evaluate(split, a: [0.6, 0.6], tau: [1.7, 1.7])
        XCTAssertEqual(joint.total, parts.total, accuracy: 1e-13)
        XCTAssertEqual(joint.ga[0], parts.ga[0] + parts.ga[1], accuracy: 1e-12)
        XCTAssertEqual(joint.gt[0], parts.gt[0] + parts.gt[1], accuracy: 1e-12)
        // Without the reset the value differs.
        let noReset = makeBatch(options: 3, subjects: [(c1 + c2, o1 + o2, [Int](repeating: 1, count: 11))])
        XCTAssertNotEqual(evaluate(noReset, a: [0.6], tau: [1.7]).total, joint.total, accuracy: 1e-6)
    }

    /// Extreme inputs stay finite where the maths is finite (large τ·ΔQ, A at its bounds), and
    /// NaN parameters give NaN (a divergence for the sampler), never a trap.
    func testExtremeAndNaNParameters() {
        let batch = randomBatch(options: 2, subjects: 4, seed: 5)
        let big = evaluate(batch, a: [1, 0, 0.999999, 1e-9], tau: [5, 5, 0, 1e-12])
        XCTAssert(big.total.isFinite)
        XCTAssert(big.ga.allSatisfy(\.isFinite) && big.gt.allSatisfy(\.isFinite))
        let want = referenceSubjectLikelihood(batch: batch, a: [1, 0, 0.999999, 1e-9], tau: [5, 5, 0, 1e-12])
        for s in 0..<4 { XCTAssertEqual(big.ll[s], want[s].v, accuracy: 1e-10 * max(1, abs(want[s].v))) }
        let nan = evaluate(batch, a: [.nan, 0.5, 0.5, 0.5], tau: [1, 1, 1, 1])
        XCTAssert(nan.total.isNaN)
    }
}
