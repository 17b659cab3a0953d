import Diagnostics
import Foundation

/// `rlfit compare DIR DIR...`: subject-level PSIS-LOO of each fit (hBayesDM's unit: each
/// subject's log-likelihood `log_lik.s`), the models ranked by elpd_loo with se, p_loo,
/// elpd_diff and its se, stacking weights, k̂ warnings, and random-effects Bayesian model
/// selection over subjects (Rigoux et al. 2014) from the per-subject elpd.
///
/// PSIS-LOO follows Vehtari, Gelman & Gabry (2017) and ArviZ: one relative efficiency r_eff
/// per fit, the mean over every reported quantity of its "mean" ESS divided by the number of
/// draws (ArviZ's `loo`).
public struct ModelComparisonReport: Sendable {
    public struct Fit: Sendable {
        public let label: String
        public let loo: LOOEstimate
        public let subjectCount: Int
        /// Each LOO point's labels, as `pointwiseCSV` writes them: its subjID, and at trial
        /// level its condition (when the fit has conditions) and trial.
        public let observations: [[String]]
    }

    public let fits: [Fit]
    public let rows: [ModelComparisonRow]
    public let selection: BayesianModelSelection?
    /// The observations: each subject (default) or each answered trial.
    public let level: Level
    /// What the report says first: the incomplete fits it was allowed to compare.
    public var notes: [String] = []

    public enum Level: String, Sendable, CaseIterable { case subject, trial }

    public struct ComparisonError: Error, CustomStringConvertible {
        public let message: String
        public var description: String { "error: \(message)" }
    }

    /// Reads each fit directory and compares them. Fits must cover the same subjects. An
    /// incomplete fit (interrupted, or still running) is refused unless `allowIncomplete`, and
    /// then named in `notes`.
    public static func compare(directories: [String], level: Level = .subject, allowIncomplete: Bool = false) throws
        -> ModelComparisonReport
    {
        var fits: [Fit] = []
        var names: [String] = []
        var notes: [String] = []
        for dir in directories {
            let contents = try FitDirectory.read(dir)
            if let note = contents.incompleteNote(directory: dir) {
                guard allowIncomplete else {
                    throw ComparisonError(
                        message:
                            "\(dir) is an incomplete fit (interrupted, or still running): its draws are not a finished posterior. "
                            + "Finish it (`rlfit fit --resume \(dir)`), or pass --allow-incomplete to compare it anyway"
                    )
                }
                notes.append(note)
            }
            // An incomplete fit's chains without draws (stopped in warmup) have nothing to give.
            let chains = contents.chains.filter { $0.drawCount > 0 }
            guard !chains.isEmpty else { throw ComparisonError(message: "\(dir): no chain has post-warmup draws yet") }
            let columns = chains[0].columnNames
            let logLik = columns.indices.filter { columns[$0].hasPrefix("log_lik.") }
            guard !logLik.isEmpty else {
                throw ComparisonError(message: "\(dir): the chain files have no log_lik columns")
            }
            let subjects = logLik.map { columns[$0] }
            if names.isEmpty {
                names = subjects
            } else if names != subjects {
                throw ComparisonError(
                    message:
                        "\(dir): its subjects (\(subjects.count)) differ from \(directories[0])'s (\(names.count)); compare fits of the same data"
                )
            }
            let draws = chains.map(\.drawCount).min() ?? 0
            // r_eff: the mean over quantities of ESS(mean) / total draws, as ArviZ.
            var essSum = 0.0, essCount = 0
            for k in columns.indices where !columns[k].hasPrefix("log_lik.") {
                let ess = Convergence.essMean(chains.map { Array($0.quantity(k).prefix(draws)) })
                if ess.isFinite { essSum += ess; essCount += 1 }
            }
            let total = draws * chains.count
            let rEff = essCount > 0 ? min(1, max(essSum / Double(essCount) / Double(total), 1e-3)) : 1
            var accumulator = LOOAccumulator(drawCount: total, relativeEfficiency: rEff)
            for k in logLik {
                let values = chains.flatMap { $0.quantity(k).prefix(draws) }
                _ = accumulator.add(logLikelihood: values)
            }
            let model = contents.configuration["model"] ?? "model"
            let loo: LOOEstimate, observations: [[String]]
            if level == .subject {
                loo = accumulator.estimate
                // The subjects' ids, in the order of their log_lik columns (the data's); the
                // column's number where the data cannot be read (a fit moved without its data).
                let ids = (try? ReplayedFit(directory: dir))?.batch.studySubjectIDs ?? []
                observations =
                    ids.count == subjects.count
                    ? ids.map { [$0] } : subjects.map { [String($0.dropFirst("log_lik.".count))] }
            } else {
                (loo, observations) = try TrialLogLikelihood.loo(directory: dir)
            }
            if let first = fits.first, first.loo.count != loo.count {
                throw ComparisonError(
                    message:
                        "\(dir): \(loo.count) trials, \(directories[0]) has \(first.loo.count); compare fits of the same data"
                )
            }
            fits.append(
                Fit(
                    label: "\((dir as NSString).lastPathComponent) (\(model))", loo: loo, subjectCount: subjects.count,
                    observations: observations))
        }
        let rows = ModelComparison.compare(fits.map { ($0.label, $0.loo) }, weighting: .stacking)
        var selection: BayesianModelSelection? = nil
        if fits.count >= 2 && level == .subject {
            let evidence = (0..<names.count).map { s in fits.map { $0.loo.points[s].elpd } }
            selection = BayesianModelSelection(logEvidence: evidence)
        }
        var report = ModelComparisonReport(fits: fits, rows: rows, selection: selection, level: level)
        report.notes = notes
        return report
    }

    /// Every observation's LOO terms, long format:
    /// `model,observation,subjID,[condition,trial,]elpd_loo,p_loo,pareto_k` (observations
    /// numbered in data order: subjects, or answered trials subject by subject; the trial
    /// columns at trial level, the condition when the fits have conditions).
    public var pointwiseCSV: String {
        let labelColumns = fits.first?.observations.first?.count ?? 1
        let labels =
            level == .subject ? ["subjID"] : labelColumns == 3 ? ["subjID", "condition", "trial"] : ["subjID", "trial"]
        var lines = [(["model", "observation"] + labels + ["elpd_loo", "p_loo", "pareto_k"]).joined(separator: ",")]
        for fit in fits {
            for (i, p) in fit.loo.points.enumerated() {
                let observation = fit.observations[i].map(FitFiles.csvField).joined(separator: ",")
                lines.append("\(FitFiles.csvField(fit.label)),\(i + 1),\(observation),\(p.elpd),\(p.pLoo),\(p.paretoK)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public var text: String {
        var lines: [String] = notes.map { $0 + "\n" }
        let width = max(12, (rows.map(\.name.count).max() ?? 0) + 2)
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
        func num(_ x: Double, _ f: String = "%.1f") -> String { x.isFinite ? String(format: f, x) : "nan" }
        lines.append(
            level == .subject
                ? "PSIS-LOO at subject level (each subject's log-likelihood is one observation), ranked by elpd_loo:"
                : "PSIS-LOO at trial level (each answered trial is one observation), ranked by elpd_loo:")
        lines.append(
            pad("model", width)
                + ["elpd_loo", "se", "p_loo", "elpd_diff", "diff_se", "weight", "looic", "k>good"].map { pad($0, 10) }
                .joined())
        for r in rows {
            let fit = fits.first { $0.label == r.name }!
            let high = fit.loo.points.filter { $0.paretoK > fit.loo.goodK }.count
            lines.append(
                pad(r.name, width)
                    + [
                        num(r.elpd), num(r.elpdSE), num(r.pLoo), num(r.elpdDiff), num(r.diffSE),
                        num(r.weight, "%.3f"), num(fit.loo.looic), "\(high)/\(fit.loo.count)"
                    ].map { pad($0, 10) }.joined())
        }
        lines.append("weights: stacking (Yao et al. 2018); elpd_diff = best − model, as ArviZ")
        for fit in fits where fit.loo.hasKWarning {
            let what = level == .subject ? "subject(s)" : "trial(s) (in data order)"
            lines.append(
                "warning: \(fit.label): Pareto k̂ above \(String(format: "%.2f", fit.loo.goodK)) for \(fit.loo.highKIndices.count) \(what) "
                    + fit.loo.highKIndices.prefix(10).map { String($0 + 1) }.joined(separator: ", ")
                    + (fit.loo.highKIndices.count > 10 ? ", …" : "")
                    + ": their LOO estimate is unreliable (leaving one out moves the posterior a lot); treat elpd differences as approximate."
            )
        }
        if let bms = selection {
            lines.append("")
            lines.append(
                "random-effects Bayesian model selection over subjects (Rigoux et al. 2014), from per-subject elpd:")
            lines.append(pad("model", width) + ["freq", "xp", "pxp"].map { pad($0, 10) }.joined())
            for (i, fit) in fits.enumerated() {
                lines.append(
                    pad(fit.label, width)
                        + [
                            num(bms.expectedFrequencies[i], "%.3f"), num(bms.exceedanceProbabilities[i], "%.3f"),
                            num(bms.protectedExceedanceProbabilities[i], "%.3f")
                        ].map { pad($0, 10) }.joined())
            }
            lines.append(
                "Bayesian omnibus risk \(num(bms.bayesOmnibusRisk, "%.3f")) (probability that the models are equally frequent)"
            )
        }
        return lines.joined(separator: "\n")
    }
}
