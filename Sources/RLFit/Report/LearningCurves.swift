import Diagnostics
import Foundation
import Randomness
import RLModels

/// Posterior predictive learning curves: by trial within block, the share of choices of the
/// better option, observed against choices simulated from posterior draws (one step ahead, as
/// hBayesDM's `y_pred`: each draw's parameters replayed on the observed history through the
/// model file, and at every trial a choice drawn from the model's probabilities), group mean
/// with a 90% band over draws. "Better" follows the model's declared `reward`.
/// Per subject and trial, the predicted probability of the better option (mean and 90%
/// interval over draws) is reported instead: a single simulated choice is only 0 or 1. The data carry no reward schedule, so the better option at trial t is the one whose
/// choices earned the highest mean reward within ±`window` trials of t in the same block (the
/// block's best over all its trials breaks ties and fills gaps), which follows reversals. Per
/// draw only the group curve is kept, never the simulated choices.
public struct LearningCurves: Sendable {
    /// Trials within block, 1...n (positions reached by at least one block).
    public let trials: [Int]
    public let observed: [Double]
    public let predictedMean: [Double]
    public let predictedLow: [Double]
    public let predictedHigh: [Double]
    /// Per lane and trial (time-major slot t·L + l): observed 1/0 (NaN when missed or padding),
    /// and the predicted probability of the better option: mean and 90% interval over draws.
    public let slotObserved: [Double]
    public let slotMean: [Double]
    public let slotLow: [Double]
    public let slotHigh: [Double]
    /// Trial within block of each slot (−1 for padding).
    public let slotPosition: [Int]

    /// nil when the model has no choice column or declares no reward (nothing to call the
    /// better option).
    static func compute(
        batch: TrialBatch, model: ModelDefinition, chains: [ChainRecord], maxDraws: Int = 100,
        window: Int = 10
    ) -> LearningCurves? {
        let K = batch.optionCount, L = batch.laneCount, T = batch.trialCount
        guard let replay = try? ModelReplay(model: model, batch: batch) else { return nil }
        guard let probabilityProbes = replay.choiceProbabilityProbes, let rewardProbe = replay.probe("reward") else {
            return nil
        }
        let index = chains[0].quantityPositions
        var rows: [(ChainRecord, Int)] = []
        for chain in chains { for r in chain.warmupRowCount..<chain.rowCount { rows.append((chain, r)) } }
        let step = max(1, (rows.count + maxDraws - 1) / maxDraws)
        let selected = stride(from: 0, to: rows.count, by: step).map { rows[$0] }
        func theta(lane l: Int, _ row: (ChainRecord, Int)) -> [Double] {
            let s = batch.laneSubject[l]
            return model.parameters.map { spec in
                guard let c = index["\(spec.name).\(s + 1)"] else { return .nan }
                return row.0.table[row.1 * row.0.rowWidth + c]
            }
        }
        // Each lane's blocks: start index, length, better option (from the model's reward).
        var better = [Int](repeating: -1, count: T * L) // per slot: the better option of its block
        var position = [Int](repeating: -1, count: T * L) // per slot: trial within block (0-based)
        for l in 0..<L {
            let rewardRun = replay.run(lane: l, theta: [theta(lane: l, selected[0])])
            let n = batch.trialsPerLane[l]
            let rewards = (0..<n).map { rewardRun.value(rewardProbe, trial: $0, draw: 0) }
            var t = 0
            while t < n {
                var end = t + 1
                while end < n && !batch.blockStart[end * L + l] { end += 1 }
                var sum = [Double](repeating: 0, count: K), count = [Double](repeating: 0, count: K)
                for u in t..<end where batch.choice[u * L + l] >= 0 {
                    let c = Int(batch.choice[u * L + l])
                    sum[c] += rewards[u]
                    count[c] += 1
                }
                let means = (0..<K).map { count[$0] > 0 ? sum[$0] / count[$0] : -Double.infinity }
                let blockBest = means.indices.max { means[$0] < means[$1] } ?? 0
                for u in t..<end {
                    var ws = [Double](repeating: 0, count: K), wc = [Double](repeating: 0, count: K)
                    for v in max(t, u - window)..<min(end, u + window + 1) where batch.choice[v * L + l] >= 0 {
                        let c = Int(batch.choice[v * L + l])
                        ws[c] += rewards[v]
                        wc[c] += 1
                    }
                    let local = (0..<K).map { wc[$0] > 0 ? ws[$0] / wc[$0] : -Double.infinity }
                    let top = local.max() ?? -Double.infinity
                    let candidates = (0..<K).filter { local[$0] == top }
                    better[u * L + l] = top.isFinite && candidates.count == 1 ? candidates[0] : blockBest
                    position[u * L + l] = u - t
                }
                t = end
            }
        }
        let maxPosition = (position.max() ?? -1) + 1
        var observedSum = [Double](repeating: 0, count: maxPosition), observedCount = observedSum
        for i in 0..<(T * L) where position[i] >= 0 && batch.choice[i] >= 0 {
            observedSum[position[i]] += Int(batch.choice[i]) == better[i] ? 1 : 0
            observedCount[position[i]] += 1
        }
        // Per draw: a choice simulated one step ahead at every answered trial (draw k's own
        // random stream, lanes in order), summed into the group curve.
        let D = selected.count
        var rngs = (0..<D).map { Philox(seed: 0x5EED_C0FF, stream: UInt64($0 * step)) }
        var sums = [[Double]](repeating: [Double](repeating: 0, count: maxPosition), count: D), counts = sums
        var slotValues = [[Double]](repeating: [], count: T * L)
        for l in 0..<L {
            let run = replay.run(lane: l, theta: selected.map { theta(lane: l, $0) })
            for k in 0..<D {
                for t in 0..<batch.trialsPerLane[l] {
                    let i = t * L + l
                    guard batch.choice[i] >= 0 else { continue }
                    let p = probabilityProbes.map { run.value($0, trial: t, draw: k) }
                    sums[k][position[i]] += rngs[k].nextCategorical(p) == better[i] ? 1 : 0
                    counts[k][position[i]] += 1
                    slotValues[i].append(p[better[i]])
                }
            }
        }
        let curves = (0..<D).map { k in (0..<maxPosition).map { counts[k][$0] > 0 ? sums[k][$0] / counts[k][$0] : .nan }
        }
        let positions = (0..<maxPosition).filter { observedCount[$0] > 0 }
        var mean: [Double] = [], low: [Double] = [], high: [Double] = []
        for p in positions {
            let values = curves.map { $0[p] }.filter { $0.isFinite }
            let q = quantiles(values, probabilities: [0.05, 0.95])
            mean.append(values.reduce(0, +) / Double(max(values.count, 1)))
            low.append(q[0])
            high.append(q[1])
        }
        var slotObserved = [Double](repeating: .nan, count: T * L), slotMean = slotObserved, slotLow = slotObserved,
            slotHigh = slotObserved
        for i in 0..<(T * L) where !slotValues[i].isEmpty {
            slotObserved[i] = Int(batch.choice[i]) == better[i] ? 1 : 0
            let q = quantiles(slotValues[i], probabilities: [0.05, 0.95])
            slotMean[i] = slotValues[i].reduce(0, +) / Double(slotValues[i].count)
            slotLow[i] = q[0]
            slotHigh[i] = q[1]
        }
        return LearningCurves(
            trials: positions.map { $0 + 1 }, observed: positions.map { observedSum[$0] / observedCount[$0] },
            predictedMean: mean, predictedLow: low, predictedHigh: high,
            slotObserved: slotObserved, slotMean: slotMean, slotLow: slotLow, slotHigh: slotHigh, slotPosition: position
        )
    }

    /// `ppc.csv`: the group curve (subjID "group") then every subject's trials: the better
    /// option chosen or not (observed), and its predicted probability (mean, 90% interval).
    func csv(batch: TrialBatch) -> String {
        let L = batch.laneCount
        let formatter = DecimalFormatter(significantDigits: 6)
        func f(_ x: Double) -> String { x.isFinite ? formatter.string(x) : "NA" }
        var lines = [
            "subjID" + (batch.hasConditions ? ",condition" : "")
                + ",trial,trial_in_block,observed_better,predicted_mean,predicted_q5,predicted_q95"
        ]
        for (k, t) in trials.enumerated() {
            lines.append(
                "group" + (batch.hasConditions ? "," : "")
                    + ",NA,\(t),\(f(observed[k])),\(f(predictedMean[k])),\(f(predictedLow[k])),\(f(predictedHigh[k]))")
        }
        for l in 0..<L {
            for t in 0..<batch.trialsPerLane[l] {
                let i = t * L + l
                var row = FitFiles.csvField(batch.studySubjectIDs[batch.laneSubject[l]])
                if batch.hasConditions { row += "," + FitFiles.csvField(batch.laneConditions[l]) }
                row +=
                    ",\(TrialTableWriter.format(batch.trialNumber[i])),\(slotPosition[i] + 1),\(f(slotObserved[i])),\(f(slotMean[i])),\(f(slotLow[i])),\(f(slotHigh[i]))"
                lines.append(row)
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
