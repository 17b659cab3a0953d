import ModelLanguage
import RLModels
import Foundation

/// One subject's trial under a `LearningRule`, in plain scalar code: the choice probabilities
/// and the value update. Simulation draws choices from it (RuleScan conditions on observed
/// choices and runs every subject at once; it cannot sample). The scan's tests check both
/// against one reference.
extension LearningRule {
    /// P(choice = k) for values `q`, subject parameters `theta` (model order), and the previous
    /// choice in the block (−1 for none).
    public func choiceProbabilities(q: [Double], theta: [Double], previous: Int) -> [Double] {
        let tau = theta[inverseTemperature]
        var u = q.map { tau * $0 }
        switch bias {
        case .none: break
        case let .stickiness(kappa): if previous >= 0 { u[previous] += theta[kappa] }
        case let .indecision(alpha): u[0] -= tau * theta[alpha]
        }
        let m = u.max()!
        let w = u.map { Foundation.exp($0 - m) }
        let total = w.reduce(0, +)
        return w.map { $0 / total }
    }

    /// The values after choosing `c` and receiving reward `r`.
    public func update(q: inout [Double], chosen c: Int, reward r: Double, theta: [Double]) {
        let error = r - q[c]
        let a: Double
        switch rate {
        case let .single(i): a = theta[i]
        case let .byPredictionErrorSign(positive, negative): a = theta[error >= 0 ? positive : negative]
        case let .byOutcomeSign(positive, otherwise): a = theta[r > 0 ? positive : otherwise]
        }
        let old = q
        q[c] = old[c] + a * error
        switch unchosen {
        case .unchanged: break
        case let .forget(f): for k in q.indices where k != c { q[k] = old[k] - theta[f] * old[k] }
        case .fictitious: q[1 - c] = old[1 - c] + a * (-r - old[1 - c])
        }
    }
}

extension LearningRule {
    /// One trial of a replay: its time index, the values before the choice, the choice
    /// probabilities, and the observed choice (−1 when missed).
    public struct ReplayedTrial {
        public let t: Int
        public let values: [Double]
        public let probabilities: [Double]
        public let choice: Int
    }

    /// Replays lane `lane` of `batch` with subject parameters `theta` on the observed choices:
    /// values reset at block starts, the choice probabilities of every trial (missed ones too),
    /// and the update after every answered trial. `visit` sees each trial in order. Used by
    /// trajectories, trial-level log-likelihoods and predictive checks, so the trial loop
    /// exists once outside the vectorized scan.
    public func replay(
        batch: TrialBatch, lane: Int, theta: [Double], rewards: [Double], _ visit: (ReplayedTrial) -> Void
    ) {
        let L = batch.laneCount, K = batch.optionCount
        var q = [Double](repeating: 0, count: K), previous = -1
        for t in 0..<batch.trialsPerLane[lane] {
            let i = t * L + lane
            if batch.blockStart[i] { q = [Double](repeating: 0, count: K); previous = -1 }
            let c = Int(batch.choice[i])
            visit(
                ReplayedTrial(
                    t: t, values: q, probabilities: choiceProbabilities(q: q, theta: theta, previous: previous),
                    choice: c))
            guard c >= 0 else { continue }
            update(q: &q, chosen: c, reward: rewards[i], theta: theta)
            previous = c
        }
    }
}
