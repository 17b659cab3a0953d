import Foundation
@testable import RLModels

/// A number with its derivatives with respect to P subject parameters (forward mode), for
/// the plain references.
struct DualN {
    var v: Double
    var d: [Double]
    init(_ v: Double, count: Int) { self.v = v; d = [Double](repeating: 0, count: count) }
    init(_ v: Double, _ d: [Double]) { self.v = v; self.d = d }
    static func variable(_ v: Double, index: Int, count: Int) -> DualN {
        var x = DualN(v, count: count)
        x.d[index] = 1
        return x
    }
    static func + (a: DualN, b: DualN) -> DualN { DualN(a.v + b.v, zip(a.d, b.d).map { $0 + $1 }) }
    static func - (a: DualN, b: DualN) -> DualN { DualN(a.v - b.v, zip(a.d, b.d).map { $0 - $1 }) }
    static func * (a: DualN, b: DualN) -> DualN { DualN(a.v * b.v, zip(a.d, b.d).map { $0 * b.v + a.v * $1 }) }
    static prefix func - (a: DualN) -> DualN { DualN(-a.v, a.d.map { -$0 }) }
    static func exp(_ a: DualN) -> DualN { let e = Foundation.exp(a.v); return DualN(e, a.d.map { $0 * e }) }
    static func log(_ a: DualN) -> DualN { DualN(Foundation.log(a.v), a.d.map { $0 / a.v }) }
}

/// Any learning rule written plainly, one subject and one trial at a time, straight from the
/// definitions in `LearningRule`'s documentation. Returns each subject's log-likelihood with
/// its exact derivatives in the P subject parameters.
func referenceLikelihood(rule: LearningRule, batch: TrialBatch, reward: [Double], theta: [[Double]]) -> [DualN] {
    let S = batch.subjectCount, K = batch.optionCount, P = theta.count
    var result: [DualN] = []
    for s in 0..<S {
        let params = (0..<P).map { DualN.variable(theta[$0][s], index: $0, count: P) }
        let zero = DualN(0, count: P)
        var q = [DualN](repeating: zero, count: K)
        var previous = -1
        var total = zero
        for t in 0..<batch.trialsPerSubject[s] {
            let i = t * S + s
            if batch.blockStart[i] { q = [DualN](repeating: zero, count: K); previous = -1 }
            let c = Int(batch.choice[i])
            if c < 0 { continue }
            let tau = params[rule.inverseTemperature]
            var u = q.map { tau * $0 }
            switch rule.bias {
            case .none: break
            case .stickiness(let kappa): if previous >= 0 { u[previous] = u[previous] + params[kappa] }
            case .indecision(let alpha): u[0] = u[0] - tau * params[alpha]
            }
            var sum = zero
            for k in 0..<K { sum = sum + DualN.exp(u[k]) }
            total = total + u[c] - DualN.log(sum)
            let r = DualN(reward[i], count: P)
            let pe = r - q[c]
            let rate: DualN
            switch rule.rate {
            case .single(let a): rate = params[a]
            case .byPredictionErrorSign(let pos, let neg): rate = pe.v >= 0 ? params[pos] : params[neg]
            case .byOutcomeSign(let pos, let other): rate = reward[i] > 0 ? params[pos] : params[other]
            }
            let old = q
            q[c] = old[c] + rate * pe
            switch rule.unchosen {
            case .unchanged: break
            case .forget(let f): for k in 0..<K where k != c { q[k] = old[k] + params[f] * (zero - old[k]) }
            case .fictitious: q[1 - c] = old[1 - c] + rate * (-r - old[1 - c])
            }
            previous = c
        }
        result.append(total)
    }
    return result
}
