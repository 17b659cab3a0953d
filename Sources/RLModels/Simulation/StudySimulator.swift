import Foundation
import Randomness

/// Group-level values a simulation draws subjects from, on hBayesDM's scales: subject s gets
/// θₛₚ = constrain(μₚ + σₚ·zₛₚ), zₛₚ ~ N(0, 1).
public struct GroupValues: Sendable, Equatable {
    public var mu: [Double]
    public var sigma: [Double]

    public init(mu: [Double], sigma: [Double]) {
        self.mu = mu
        self.sigma = sigma
    }

    /// The values RLFit's bundled and benchmark studies use for `bandit2arm_delta`: group median
    /// A = 0.3 (μ₁ = Φ≈⁻¹(0.3)), τ = 2.5 (μ₂ = 0), σ = 0.35 for both.
    public static func defaults(for model: ModelDefinition) -> GroupValues {
        let mu = model.parameters.map { spec -> Double in
            switch (spec.name, spec.transform) {
            case ("A", .phiApprox(let upper)): return PhiApprox.inverse(0.3 / upper)
            default: return 0
            }
        }
        return GroupValues(mu: mu, sigma: model.parameters.map { _ in 0.35 })
    }
}

/// The task a simulated subject faces: a K-armed bandit with Bernoulli rewards. Arm k pays
/// +1 with probability `rewardProbabilities[k]` and −1 otherwise (the ±1 coding
/// `bandit2arm_delta` documents); the probabilities reverse (are listed backwards) after the
/// first half of every block, the classic reversal design.
public struct BanditTask: Sendable, Equatable {
    public var rewardProbabilities: [Double]

    public init(rewardProbabilities: [Double]) {
        self.rewardProbabilities = rewardProbabilities
    }

    /// 0.7 / 0.3 for two arms; evenly spaced from 0.8 down to 0.2 for more.
    public static func standard(options k: Int) -> BanditTask {
        if k == 2 { return BanditTask(rewardProbabilities: [0.7, 0.3]) }
        return BanditTask(rewardProbabilities: (0..<k).map { 0.8 - 0.6 * Double($0) / Double(k - 1) })
    }

    /// P(reward) for `arm` at trial `trialInBlock` of a block of `blockLength` trials.
    public func rewardProbability(arm: Int, trialInBlock: Int, blockLength: Int) -> Double {
        let reversed = trialInBlock >= blockLength / 2
        return rewardProbabilities[reversed ? rewardProbabilities.count - 1 - arm : arm]
    }
}

/// A simulated study: the batch (as the reader would return it) and the truth.
public struct SimulatedStudy: Sendable {
    public let batch: TrialBatch
    /// Block number (1-based) of each slot, T·S time-major (0 for padding).
    public let blockNumber: [Int]
    public let group: GroupValues
    /// Per-subject unconstrained deviations z (P·S, parameter-major).
    public let z: [Double]
    /// Per-subject natural-scale parameters (P·S, parameter-major).
    public let theta: [Double]
}

/// Simulates a study from a model: subjects drawn from the group values, choices from the
/// model's softmax policy, outcomes from the task. Deterministic in the seed: the subjects'
/// parameters come from Philox stream 0 and subject s's trials from stream s + 1, so a study
/// with more subjects extends one with fewer.
public enum StudySimulator {
    public static func simulate(
        model: ModelDefinition, subjects: Int, trials: Int, blocks: Int = 1, missingProbability: Double = 0,
        seed: UInt64, group: GroupValues? = nil, options: Int? = nil
    ) -> SimulatedStudy {
        precondition(subjects >= 1 && trials >= 1 && blocks >= 1 && blocks <= trials)
        precondition(missingProbability >= 0 && missingProbability < 1)
        let group = group ?? GroupValues.defaults(for: model)
        let P = model.parameters.count, S = subjects, T = trials
        let K = model.data.optionCount ?? options ?? 2
        let task = BanditTask.standard(options: K)

        var parameterStream = Philox(seed: seed, stream: 0)
        var z = [Double](repeating: 0, count: P * S)
        var theta = [Double](repeating: 0, count: P * S)
        for s in 0..<S {
            for p in 0..<P {
                z[p * S + s] = parameterStream.nextNormal()
                theta[p * S + s] = model.parameters[p].constrain(group.mu[p] + group.sigma[p] * z[p * S + s]).value
            }
        }
        // Block b (0-based) covers trials [start(b), start(b+1)): lengths differ by at most one.
        let blockStartIndex = (0...blocks).map { $0 * T / blocks }

        var choice = [Int32](repeating: -1, count: T * S)
        var outcome = [Double](repeating: 0, count: T * S)
        var blockStart = [Bool](repeating: false, count: T * S)
        var blockNumber = [Int](repeating: 0, count: T * S)
        let policy = DeltaRulePolicy(optionCount: K)
        for s in 0..<S {
            var rng = Philox(seed: seed, stream: UInt64(s) + 1)
            let a = theta[s], tau = theta[S + s]
            var q = [Double](repeating: 0, count: K)
            for b in 0..<blocks {
                let start = blockStartIndex[b], length = blockStartIndex[b + 1] - start
                for i in 0..<length {
                    let t = start + i
                    let slot = t * S + s
                    if i == 0 { q = [Double](repeating: 0, count: K); blockStart[slot] = true }
                    blockNumber[slot] = b + 1
                    // Both draws are always made, so the stream stays aligned whether or not
                    // the trial is missed.
                    let missed = rng.nextUniform() < missingProbability
                    let c = rng.nextCategorical(policy.choiceProbabilities(q: q, inverseTemperature: tau))
                    let rewarded = rng.nextUniform() < task.rewardProbability(arm: c, trialInBlock: i, blockLength: length)
                    if missed { continue }
                    let r: Double = rewarded ? 1 : -1
                    choice[slot] = Int32(c)
                    outcome[slot] = r
                    policy.update(q: &q, chosen: c, outcome: r, learningRate: a)
                }
            }
        }
        let batch = TrialBatch(
            subjectIDs: (1...S).map(String.init), trialCount: T, optionCount: K, choice: choice,
            columns: ["outcome": outcome], blockStart: blockStart, trialsPerSubject: [Int](repeating: T, count: S))
        return SimulatedStudy(batch: batch, blockNumber: blockNumber, group: group, z: z, theta: theta)
    }
}

/// The delta rule and softmax policy for one subject, trial by trial, for simulation.
struct DeltaRulePolicy {
    let optionCount: Int

    /// softmax(τ·Q), max-shifted.
    func choiceProbabilities(q: [Double], inverseTemperature tau: Double) -> [Double] {
        let m = q.map { tau * $0 }.max()!
        let w = q.map { Foundation.exp(tau * $0 - m) }
        let total = w.reduce(0, +)
        return w.map { $0 / total }
    }

    /// Q_c ← Q_c + A·(r − Q_c).
    func update(q: inout [Double], chosen c: Int, outcome r: Double, learningRate a: Double) {
        q[c] += a * (r - q[c])
    }
}
