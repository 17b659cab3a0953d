import Diagnostics
import Foundation
import RLModels

/// Latent trajectories for model-based analyses (`rlfit trajectories DIR`): for every trial
/// of every subject, every state element before the choice (`Q.1`, …), every top-level local
/// the model computes (a prediction error `pe`, say), each observation's outcome probabilities
/// (`p_choice.2`) and the model's reward, as posterior mean and central 90% interval over the
/// draws. Each draw's subject parameters (`<param>.s` in the chain files) are replayed on the
/// observed data through the model file (`ModelReplay`), so nothing new is sampled. Memory is
/// bounded: one lane of trials × at most `maxDraws` draws at a time.
public enum Trajectories {
    /// The CSV text for the fit in `directory` (which must hold `run.json` and its data file).
    public static func csv(directory: String, maxDraws: Int = 1000) throws -> String {
        let fit = try ReplayedFit(directory: directory)
        let batch = fit.batch, contents = fit.contents, model = fit.model, replay = fit.replay
        let L = batch.laneCount
        // The kept draws, evenly thinned to at most maxDraws.
        var rows: [(chain: Int, row: Int)] = []
        for (c, chain) in contents.chains.enumerated() {
            for r in chain.warmupRowCount..<chain.rowCount { rows.append((c, r)) }
        }
        let step = max(1, (rows.count + maxDraws - 1) / maxDraws)
        let selected = stride(from: 0, to: rows.count, by: step).map { rows[$0] }
        guard !selected.isEmpty else { throw FitReplayError(message: "\(directory): the chains hold no draws") }

        // Reported quantities: every probe but the per-observation log-probabilities. The
        // model's locals (a prediction error, say) and its reward are NA on missed trials: they
        // were computed from masked data; states and outcome probabilities are the model's on
        // every trial.
        // The trial column is the data's (its `trial` values, else 1, 2, … per subject).
        let probes = replay.probeNames.indices.filter { !replay.probeNames[$0].hasPrefix("log_lik_") }
        let stateNames = Set(model.file.states.map(\.name))
        let observed = Set(model.file.observedColumns.map { "p_" + model.file.data[$0].name })
        let missedIsNA = probes.map { k -> Bool in
            let base = String(replay.probeNames[k].split(separator: "[").first ?? "")
            return !stateNames.contains(base) && !observed.contains(base)
        }
        // An option or category state holding `none` (0) prints NA, not the number 0.
        let indexStates = Set(model.file.states.filter(\.isIndex).map(\.name))
        let isIndexState = probes.map { indexStates.contains(replay.probeNames[$0]) }
        let dataColumns = model.file.data.map(\.name)
        var header = ["subjID"] + (batch.hasConditions ? ["condition"] : []) + ["trial", "block_start"] + dataColumns
        for k in probes {
            let name = stanName(replay.probeNames[k])
            header += [name + "_mean", name + "_q5", name + "_q95"]
        }
        var out = header.joined(separator: ",") + "\n"
        let formatter = DecimalFormatter(significantDigits: 6)
        func f(_ x: Double) -> String { x.isFinite ? formatter.string(x) : "NA" }

        for l in 0..<L {
            let s = batch.laneSubject[l]
            let parameterColumns = try fit.parameterColumns(lane: l)
            let theta = selected.map { c, r in
                parameterColumns.map { contents.chains[c].table[r * contents.chains[c].rowWidth + $0] }
            }
            let result = replay.run(lane: l, theta: theta)
            for t in 0..<result.trials {
                let i = t * L + l
                var fields = [FitFiles.csvField(batch.studySubjectIDs[s])]
                if batch.hasConditions { fields.append(FitFiles.csvField(batch.laneConditions[l])) }
                fields += [TrialTableWriter.format(batch.trialNumber[i]), batch.blockStart[i] ? "1" : "0"]
                fields += dataColumns.map { batch.answered[i] ? f(batch.column($0)[i]) : "NA" }
                for (position, k) in probes.enumerated() {
                    if missedIsNA[position] && !batch.answered[i] { fields += ["NA", "NA", "NA"]; continue }
                    let v = result.values(k, trial: t)
                    if isIndexState[position] && v.allSatisfy({ $0 == 0 }) { fields += ["NA", "NA", "NA"]; continue }
                    let qs = quantiles(v, probabilities: [0.05, 0.95])
                    fields += [f(v.reduce(0, +) / Double(v.count)), f(qs[0]), f(qs[1])]
                }
                out += fields.joined(separator: ",") + "\n"
            }
        }
        return out
    }

    /// "Q[2]" → "Q.2", "W[1,3]" → "W.1.3", as the chain files name elements.
    static func stanName(_ label: String) -> String {
        label.replacingOccurrences(of: "[", with: ".").replacingOccurrences(of: ",", with: ".").replacingOccurrences(
            of: "]", with: "")
    }
}
