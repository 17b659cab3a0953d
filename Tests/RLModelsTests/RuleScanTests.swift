import XCTest
import Randomness
@testable import RLModels

final class RuleScanTests: XCTestCase {
    /// Random studies with blocks, missed trials, unequal lengths and real-valued rewards.
    func randomBatch(options k: Int, subjects: Int, seed: UInt64) -> (TrialBatch, [Double]) {
        var rng = Philox(seed: seed)
        let rows = (0..<subjects).map { _ -> (choices: [Int], outcomes: [Double], blocks: [Int]) in
            let n = 5 + Int(rng.nextUniform() * 40)
            let blocks = 1 + Int(rng.nextUniform() * 3)
            var choices = (0..<n).map { _ in rng.nextUniform() < 0.15 ? 0 : 1 + Int(rng.nextUniform() * Double(k)) }
            if !choices.contains(where: { $0 > 0 }) { choices[0] = 1 }
            let outcomes = (0..<n).map { _ in rng.nextUniform() < 0.5 ? 1.0 : rng.nextUniform(-1.5, 0.5) }
            return (choices, outcomes, (0..<n).map { $0 * blocks / n })
        }
        let batch = makeBatch(options: k, subjects: rows)
        return (batch, batch.column("outcome"))
    }

    struct Case {
        let name: String
        let rule: LearningRule
        let parameterRanges: [(Double, Double)]
        let options: [Int]
    }

    let cases: [Case] = [
        Case(name: "delta", rule: LearningRule(rate: .single(0), inverseTemperature: 1),
             parameterRanges: [(0.01, 0.99), (0.05, 6)], options: [2, 3, 5]),
        Case(name: "forget", rule: LearningRule(rate: .single(0), unchosen: .forget(2), inverseTemperature: 1),
             parameterRanges: [(0.01, 0.99), (0.05, 6), (0.01, 0.99)], options: [2, 4]),
        Case(name: "dual", rule: LearningRule(rate: .byPredictionErrorSign(positive: 0, negative: 1), inverseTemperature: 2),
             parameterRanges: [(0.01, 0.99), (0.01, 0.99), (0.05, 6)], options: [2, 3]),
        Case(name: "stick", rule: LearningRule(rate: .single(0), inverseTemperature: 1, bias: .stickiness(2)),
             parameterRanges: [(0.01, 0.99), (0.05, 6), (-3, 3)], options: [2, 4]),
        Case(name: "rp", rule: LearningRule(rate: .byOutcomeSign(positive: 1, otherwise: 0), inverseTemperature: 2),
             parameterRanges: [(0.01, 0.99), (0.01, 0.99), (0.05, 9)], options: [2, 3]),
        Case(name: "fictitious", rule: LearningRule(rate: .single(0), unchosen: .fictitious, inverseTemperature: 2, bias: .indecision(1)),
             parameterRanges: [(0.01, 0.99), (-2, 2), (0.05, 9)], options: [2]),
    ]

    /// Every rule, batched, equals its plain reference: each subject's log-likelihood and its
    /// exact gradient in every parameter.
    func testEveryRuleEqualsPlainReference() {
        var seed: UInt64 = 1
        for c in cases {
            for k in c.options {
                seed += 1
                let S = 11
                let (batch, reward) = randomBatch(options: k, subjects: S, seed: seed)
                var rng = Philox(seed: seed, stream: 9)
                let theta = c.parameterRanges.map { range in (0..<S).map { _ in rng.nextUniform(range.0, range.1) } }
                let scan = RuleScan(rule: c.rule, parameterCount: theta.count, batch: batch, reward: reward)
                var ll = [Double](repeating: .nan, count: S)
                var g = [Double](repeating: .nan, count: S * theta.count)
                let flat = theta.flatMap { $0 }
                let total = flat.withUnsafeBufferPointer { th in
                    ll.withUnsafeMutableBufferPointer { l in
                        g.withUnsafeMutableBufferPointer { scan.evaluate(theta: th.baseAddress!, subjectLogLikelihood: l.baseAddress!, gradient: $0.baseAddress!) }
                    }
                }
                let want = referenceLikelihood(rule: c.rule, batch: batch, reward: reward, theta: theta)
                for s in 0..<S {
                    XCTAssertEqual(ll[s], want[s].v, accuracy: 1e-11 * max(1, abs(want[s].v)), "\(c.name) K=\(k) subject \(s)")
                    for p in 0..<theta.count {
                        XCTAssertEqual(g[p * S + s], want[s].d[p], accuracy: 1e-10 * max(1, abs(want[s].d[p])),
                                       "\(c.name) K=\(k) subject \(s) parameter \(p)")
                    }
                }
                XCTAssertEqual(total, want.reduce(0) { $0 + $1.v }, accuracy: 1e-10 * abs(total))
                // Without a gradient the value is the same.
                let again = flat.withUnsafeBufferPointer { th in
                    ll.withUnsafeMutableBufferPointer { scan.evaluate(theta: th.baseAddress!, subjectLogLikelihood: $0.baseAddress!, gradient: nil) }
                }
                XCTAssertEqual(again, total)
            }
        }
    }
}
