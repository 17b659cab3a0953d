import Diagnostics
import Foundation
import RLModels

/// Trial-level log-likelihood, log p(choice_t | history, θ), replayed from a fit's draws
/// (`<param>.s` in the chain files) through the model's learning rule, and PSIS-LOO over trials.
/// One lane of trials × all draws is held at a time (a few MB), never draws × all trials.
public enum TrialLogLikelihood {
    /// Pointwise LOO for every answered trial of the fit in `directory` (needs `run.json` and
    /// its data file), in data order (lane by lane, trial by trial), and the trials' count.
    public static func loo(directory: String) throws -> LOOEstimate {
        let runPath = (directory as NSString).appendingPathComponent("run.json")
        guard FileManager.default.fileExists(atPath: runPath) else {
            throw Trajectories.Problem(message: "\(directory): no run.json (trial-level LOO needs the fit's data and options)")
        }
        let options = try FitOptions(runFile: RunFile.read(path: runPath))
        let batch = try TrialTableReader.read(path: options.dataPath, requirements: options.dataRequirements)
        let contents = try FitDirectory.read(directory)
        let model = options.model, rule = model.rule
        let rewards = model.reward.rewards(batch)
        let L = batch.subjectCount
        var index: [String: Int] = [:]
        for (i, n) in contents.chains[0].columnNames.enumerated() { index[n] = i + 7 }
        let draws = contents.chains.map(\.drawCount).min() ?? 0
        let total = draws * contents.chains.count
        // One r_eff for the fit, as ArviZ: mean "mean" ESS of the parameters over the draws.
        var essSum = 0.0, essCount = 0
        for (k, name) in contents.chains[0].columnNames.enumerated() where !name.hasPrefix("log_lik.") {
            let e = Convergence.essMean(contents.chains.map { Array($0.column(k + 7).prefix(draws)) })
            if e.isFinite { essSum += e; essCount += 1 }
        }
        let rEff = essCount > 0 ? min(1, max(essSum / Double(essCount) / Double(total), 1e-3)) : 1
        var accumulator = LOOAccumulator(drawCount: total, relativeEfficiency: rEff)
        for l in 0..<L {
            let s = batch.laneSubject[l]
            let T = batch.trialsPerSubject[l]
            let columns = model.parameters.map { index["\($0.name).\(s + 1)"] }
            guard columns.allSatisfy({ $0 != nil }) else {
                throw Trajectories.Problem(message: "\(directory): the chain files have no \(model.parameters[0].name).\(s + 1) column")
            }
            let answered = (0..<T).filter { batch.choice[$0 * L + l] >= 0 }
            var pointwise = [[Double]](repeating: [], count: answered.count)
            for chain in contents.chains {
                for r in chain.warmupRowCount..<(chain.warmupRowCount + draws) {
                    let theta = columns.map { chain.table[r * chain.rowWidth + $0!] }
                    var a = 0
                    rule.replay(batch: batch, lane: l, theta: theta, rewards: rewards) { trial in
                        guard trial.choice >= 0 else { return }
                        pointwise[a].append(Foundation.log(trial.probabilities[trial.choice]))
                        a += 1
                    }
                }
            }
            for values in pointwise {
                // A trial whose probability does not depend on θ (the first trial of a block, where
                // every option is worth Q₀) has equal importance weights: its LOO is exact. PSIS
                // cannot fit a tail to constant ratios and would flag it, so it is added directly.
                if let first = values.first, values.allSatisfy({ $0 == first }) {
                    accumulator.add(PointwiseLOO(elpd: first, lpd: first, paretoK: 0))
                } else {
                    _ = accumulator.add(logLikelihood: values)
                }
            }
        }
        return accumulator.estimate
    }
}
