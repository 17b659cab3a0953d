import Diagnostics
import Foundation
import RLModels

/// Latent trajectories for model-based analyses (`rlfit trajectories DIR`): for every trial
/// of every subject, the learned values Q_k before the choice, the prediction error r − Q_c,
/// and the choice probabilities P(k), as posterior mean and central 90% interval over the
/// draws. Each draw's subject parameters (`<param>.s` in the chain files) are replayed through
/// the model's learning rule on the observed choices (`LearningRule.choiceProbabilities` and
/// `update`, the steps the simulator uses), so nothing new is sampled. Memory is bounded: one
/// lane of trials × at most `maxDraws` draws at a time.
public enum Trajectories {
    /// The CSV text for the fit in `directory` (which must hold `run.json` and its data file).
    public static func csv(directory: String, maxDraws: Int = 1000) throws -> String {
        let runPath = (directory as NSString).appendingPathComponent("run.json")
        guard FileManager.default.fileExists(atPath: runPath) else {
            throw FitReplayError(message: "\(directory): no run.json (trajectories need the fit's data and options; refit with this version)")
        }
        let options = try FitOptions(runFile: RunFile.read(path: runPath))
        let batch = try TrialTableReader.read(path: options.dataPath, requirements: options.dataRequirements)
        let contents = try FitDirectory.read(directory)
        let model = options.model
        let rule = model.rule
        let rewards = model.reward.rewards(batch)
        let K = batch.optionCount, L = batch.subjectCount
        let columns = contents.chains[0].columnNames
        var index: [String: Int] = [:]
        for (i, n) in columns.enumerated() { index[n] = i + 7 }
        // The kept draws, evenly thinned to at most maxDraws.
        var rows: [(chain: Int, row: Int)] = []
        for (c, chain) in contents.chains.enumerated() {
            for r in chain.warmupRowCount..<chain.rowCount { rows.append((c, r)) }
        }
        let step = max(1, (rows.count + maxDraws - 1) / maxDraws)
        let selected = stride(from: 0, to: rows.count, by: step).map { rows[$0] }
        guard !selected.isEmpty else { throw FitReplayError(message: "\(directory): the chains hold no draws") }

        var header = ["subjID"] + (batch.hasConditions ? ["condition"] : []) + ["trial", "block_start", "choice", "reward"]
        for k in 1...K { header += ["Q\(k)_mean", "Q\(k)_q5", "Q\(k)_q95"] }
        header += ["pe_mean", "pe_q5", "pe_q95"]
        for k in 1...K { header += ["p\(k)_mean", "p\(k)_q5", "p\(k)_q95"] }
        var out = header.joined(separator: ",") + "\n"
        let formatter = DecimalFormatter(significantDigits: 6)
        func f(_ x: Double) -> String { formatter.string(x) }

        for l in 0..<L {
            let s = batch.laneSubject[l]
            let T = batch.trialsPerSubject[l]
            let parameterColumns = model.parameters.map { index["\($0.name).\(s + 1)"] }
            guard parameterColumns.allSatisfy({ $0 != nil }) else {
                throw FitReplayError(message: "\(directory): the chain files have no \(model.parameters[0].name).\(s + 1) column")
            }
            // values[t][k][draw], pe[t][draw], p[t][k][draw]
            var q = [[[Double]]](repeating: [[Double]](repeating: [], count: K), count: T)
            var pe = [[Double]](repeating: [], count: T)
            var p = q
            for (c, r) in selected {
                let chain = contents.chains[c]
                let theta = parameterColumns.map { chain.table[r * chain.rowWidth + $0!] }
                rule.replay(batch: batch, lane: l, theta: theta, rewards: rewards) { trial in
                    for k in 0..<K { q[trial.t][k].append(trial.values[k]); p[trial.t][k].append(trial.probabilities[k]) }
                    if trial.choice >= 0 { pe[trial.t].append(rewards[trial.t * L + l] - trial.values[trial.choice]) }
                }
            }
            for t in 0..<T {
                let i = t * L + l
                let choice = Int(batch.choice[i])
                var fields = [FitFiles.csvField(batch.studySubjectIDs[s])]
                if batch.hasConditions { fields.append(FitFiles.csvField(batch.laneConditions[l])) }
                fields += [String(t + 1), batch.blockStart[i] ? "1" : "0", choice >= 0 ? String(choice + 1) : "NA",
                           choice >= 0 ? f(rewards[i]) : "NA"]
                func summary(_ v: [Double]) -> [String] {
                    guard !v.isEmpty else { return ["NA", "NA", "NA"] }
                    let qs = quantiles(v, probabilities: [0.05, 0.95])
                    return [f(v.reduce(0, +) / Double(v.count)), f(qs[0]), f(qs[1])]
                }
                for k in 0..<K { fields += summary(q[t][k]) }
                fields += summary(pe[t])
                for k in 0..<K { fields += summary(p[t][k]) }
                out += fields.joined(separator: ",") + "\n"
            }
        }
        return out
    }
}
