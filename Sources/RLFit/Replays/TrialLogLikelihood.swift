import Diagnostics
import Foundation
import RLModels

/// Trial-level log-likelihood, log p(observations_t | history, θ), replayed from a fit's draws
/// (`<param>.s` in the chain files) through the model file (`ModelReplay`):
/// PSIS-LOO over trials, and on request the values themselves as a file. One lane of trials ×
/// all draws is held at a time (a few MB), never draws × all trials.
public enum TrialLogLikelihood {
    /// One lane's answered trials: their trial numbers (the data's `trial` column, else 1, 2, …
    /// within the lane) and log-likelihood per draw.
    public struct Lane {
        public let subjectID: String
        public let condition: String?
        public let trials: [Double]
        /// values[answered trial][draw]
        public let values: [[Double]]
        /// The fit's relative efficiency for PSIS (ArviZ's: mean "mean" ESS over the draws).
        public let relativeEfficiency: Double
    }

    /// Replays every lane of the fit in `directory` (needs `run.json` and its data file) and
    /// hands each to `body`; returns the number of draws and the fit's relative efficiency
    /// (ArviZ's: the mean "mean" ESS of the reported quantities over the draws).
    @discardableResult
    public static func forEachLane(directory: String, _ body: (Lane) throws -> Void) throws -> (
        draws: Int, relativeEfficiency: Double
    ) {
        var fit = try ReplayedFit(directory: directory)
        // An incomplete fit's chains without draws (stopped in warmup) have nothing to give.
        fit.contents.chains = fit.contents.chains.filter { $0.drawCount > 0 }
        guard !fit.contents.chains.isEmpty else {
            throw FitReplayError(message: "\(directory): no chain has post-warmup draws yet")
        }
        let batch = fit.batch, contents = fit.contents, replay = fit.replay
        let logProbabilities = replay.logLikelihoodProbes
        let L = batch.laneCount
        let draws = contents.chains.map(\.drawCount).min() ?? 0
        let total = draws * contents.chains.count
        var essSum = 0.0, essCount = 0
        for (k, name) in contents.chains[0].columnNames.enumerated() where !name.hasPrefix("log_lik.") {
            let e = Convergence.essMean(contents.chains.map { Array($0.quantity(k).prefix(draws)) })
            if e.isFinite { essSum += e; essCount += 1 }
        }
        let rEff = essCount > 0 ? min(1, max(essSum / Double(essCount) / Double(total), 1e-3)) : 1
        for l in 0..<L {
            let s = batch.laneSubject[l]
            let columns = try fit.parameterColumns(lane: l)
            let answered = (0..<batch.trialsPerLane[l]).filter { batch.answered[$0 * L + l] }
            var values = [[Double]](repeating: [], count: answered.count)
            // Draws in chunks, so a lane's tape stays a few MB whatever the number of draws.
            var theta: [[Double]] = []
            func flush() {
                guard !theta.isEmpty else { return }
                let result = replay.run(lane: l, theta: theta)
                for (a, t) in answered.enumerated() {
                    for d in 0..<theta.count {
                        values[a].append(logProbabilities.reduce(0) { $0 + result.value($1, trial: t, draw: d) })
                    }
                }
                theta = []
            }
            for chain in contents.chains {
                for r in chain.warmupRowCount..<(chain.warmupRowCount + draws) {
                    theta.append(columns.map { chain.table[r * chain.rowWidth + $0] })
                    if theta.count == 1024 { flush() }
                }
            }
            flush()
            try body(
                Lane(
                    subjectID: batch.studySubjectIDs[s], condition: batch.hasConditions ? batch.laneConditions[l] : nil,
                    trials: answered.map { batch.trialNumber[$0 * L + l] }, values: values, relativeEfficiency: rEff))
        }
        return (total, rEff)
    }

    /// Pointwise LOO for every answered trial, in data order (lane by lane, trial by trial).
    /// A trial whose probability does not depend on θ (the first trial of a block, where every
    /// option is worth Q₀) has equal importance weights: its LOO is exact, so it is added
    /// directly (PSIS cannot fit a tail to constant ratios and would flag it).
    /// `observations`: each point's subjID, condition (when the fit has conditions) and trial.
    public static func loo(directory: String) throws -> (estimate: LOOEstimate, observations: [[String]]) {
        var points: [PointwiseLOO] = []
        var observations: [[String]] = []
        let (total, _) = try forEachLane(directory: directory) { lane in
            for trial in lane.trials {
                observations.append(
                    [lane.subjectID] + (lane.condition.map { [$0] } ?? []) + [TrialTableWriter.format(trial)])
            }
            for values in lane.values {
                if let first = values.first, values.allSatisfy({ $0 == first }) {
                    points.append(PointwiseLOO(elpd: first, lpd: first, paretoK: 0))
                } else {
                    points.append(
                        LeaveOneOut.pointwise(logLikelihood: values, relativeEfficiency: lane.relativeEfficiency))
                }
            }
        }
        return (LOOEstimate(points: points, drawCount: total), observations)
    }

    /// Writes `log_lik_trial.csv`-style long rows `subjID,[condition,]trial,draw,log_lik` to
    /// `path` (under a temporary name, renamed when complete), one lane at a time.
    public static func write(directory: String, to path: String) throws {
        try FitDirectory.requireDirectory(directory)
        let temporary = path + ".partial-\(ProcessInfo.processInfo.processIdentifier)"
        guard FileManager.default.createFile(atPath: temporary, contents: nil),
            let handle = FileHandle(forWritingAtPath: temporary)
        else {
            throw AtomicFile.WriteError(path: path, reason: "cannot create the file")
        }
        // An error (a fit without draws, say) leaves nothing behind.
        var renamed = false
        defer {
            if !renamed {
                try? handle.close()
                try? FileManager.default.removeItem(atPath: temporary)
            }
        }
        let formatter = DecimalFormatter(significantDigits: 9)
        var wroteHeader = false
        try forEachLane(directory: directory) { lane in
            var text = ""
            if !wroteHeader {
                text += "subjID," + (lane.condition != nil ? "condition," : "") + "trial,draw,log_lik\n"
                wroteHeader = true
            }
            let prefix =
                FitFiles.csvField(lane.subjectID) + "," + (lane.condition.map { FitFiles.csvField($0) + "," } ?? "")
            for (a, trial) in lane.trials.enumerated() {
                let label = TrialTableWriter.format(trial)
                for (d, v) in lane.values[a].enumerated() {
                    text += prefix + "\(label),\(d + 1),\(formatter.string(v))\n"
                }
            }
            handle.write(Data(text.utf8))
        }
        try handle.close()
        if rename(temporary, path) != 0 {
            throw AtomicFile.WriteError(path: path, reason: String(cString: strerror(errno)))
        }
        renamed = true
    }
}
