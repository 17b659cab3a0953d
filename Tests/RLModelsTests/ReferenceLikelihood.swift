import Foundation
@testable import RLModels

/// A number with its derivatives with respect to (A, τ), for the reference: forward-mode
/// differentiation gives the exact gradient to compare the adjoint scan with.
struct Dual2 {
    var v: Double
    var dA: Double
    var dTau: Double
    init(_ v: Double, _ dA: Double = 0, _ dTau: Double = 0) { self.v = v; self.dA = dA; self.dTau = dTau }
    static func + (a: Dual2, b: Dual2) -> Dual2 { Dual2(a.v + b.v, a.dA + b.dA, a.dTau + b.dTau) }
    static func - (a: Dual2, b: Dual2) -> Dual2 { Dual2(a.v - b.v, a.dA - b.dA, a.dTau - b.dTau) }
    static func * (a: Dual2, b: Dual2) -> Dual2 {
        Dual2(a.v * b.v, a.dA * b.v + a.v * b.dA, a.dTau * b.v + a.v * b.dTau)
    }
    static func exp(_ a: Dual2) -> Dual2 { let e = Foundation.exp(a.v); return Dual2(e, e * a.dA, e * a.dTau) }
    static func log(_ a: Dual2) -> Dual2 { Dual2(Foundation.log(a.v), a.dA / a.v, a.dTau / a.v) }
}

/// The delta-rule softmax likelihood written plainly, one subject and one trial at a time, the
/// way hBayesDM's Stan program reads: values reset at each block start, missed trials skipped.
/// Returns each subject's log-likelihood with its exact derivatives in (A, τ).
func referenceSubjectLikelihood(batch: TrialBatch, a: [Double], tau: [Double]) -> [Dual2] {
    let S = batch.laneCount, K = batch.optionCount
    let outcome = batch.column("outcome")
    var result: [Dual2] = []
    for s in 0..<S {
        let A = Dual2(a[s], 1, 0), T = Dual2(tau[s], 0, 1)
        var q = [Dual2](repeating: Dual2(0), count: K)
        var total = Dual2(0)
        for t in 0..<batch.trialsPerLane[s] {
            let i = t * S + s
            if batch.blockStart[i] { q = [Dual2](repeating: Dual2(0), count: K) }
            guard batch.answered[i] else { continue }
            let c = Int(batch.choice[i])
            var sum = Dual2(0)
            for k in 0..<K { sum = sum + Dual2.exp(T * q[k]) }
            total = total + T * q[c] - Dual2.log(sum)
            let pe = Dual2(outcome[i]) - q[c]
            q[c] = q[c] + A * pe
        }
        result.append(total)
    }
    return result
}

/// A batch from per-subject lists: choices 1-based (0 = missed), outcomes, block labels; with
/// `gain` and `loss` columns too (gain = max(outcome, 0), loss = min(outcome, 0)).
func makeBatch(options k: Int, subjects: [(choices: [Int], outcomes: [Double], blocks: [Int])]) -> TrialBatch {
    let S = subjects.count, T = subjects.map { $0.choices.count }.max()!
    var choice = [Double](repeating: 0, count: T * S)
    var answered = [Bool](repeating: false, count: T * S)
    var outcome = [Double](repeating: 0, count: T * S)
    var start = [Bool](repeating: false, count: T * S)
    for (s, subject) in subjects.enumerated() {
        for t in 0..<subject.choices.count {
            let i = t * S + s
            choice[i] = Double(subject.choices[t])
            answered[i] = subject.choices[t] > 0
            outcome[i] = subject.choices[t] > 0 ? subject.outcomes[t] : 0
            start[i] = t == 0 || subject.blocks[t] != subject.blocks[t - 1]
        }
    }
    return TrialBatch(
        laneIDs: (1...S).map { "s\($0)" }, trialCount: T, optionCount: k, answered: answered,
        columns: [
            "choice": choice, "outcome": outcome, "gain": outcome.map { max($0, 0) }, "loss": outcome.map { min($0, 0) }
        ],
        choiceColumn: "choice", blockStart: start, trialsPerLane: subjects.map { $0.choices.count })
}
