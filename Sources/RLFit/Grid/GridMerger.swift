import Foundation

/// `rlfit grid merge JOBDIR`: every fit whose tasks have finished becomes a complete fit folder
/// (`fits/<fit>`: the chains, summary, subjects, report, fit.json), then one table of the grid
/// (`grid.csv`) and, per data set (and seed), `rlfit compare` across its models
/// (`compare/<data>.txt`); a simulated grid's parameter recovery or calibration per model
/// (`GridSimulationSummary`).
///
/// A chain-task grid's fit is assembled as a resume whose chains have all finished: the
/// fit's `run.json` (every chain) and model, each task's chain file and final checkpoint
/// (hard-linked when the file system allows, else copied), then `FitRunner`'s resume, which
/// writes the summaries and `fit.json` from those files — the same code, and the same files,
/// as a fit run in one process. Merging again skips fits already merged; fits whose tasks
/// have not all finished are listed as missing (and the merge exits 75, "try again later").
public enum GridMerger {
    public struct Row: @unchecked Sendable {
        public let fit: GridPlan.Fit
        public let modelName: String
        public let merged: Bool
        public let manifest: [String: Any]?
        public let elpd: (value: Double, se: Double)?
    }

    public struct Outcome: @unchecked Sendable {
        public let rows: [Row]
        public let mergedNow: [String]
        public let comparisons: [String]
        public let tablePath: String
        /// A simulated grid's `recovery/<model>.txt` or `sbc/<model>.txt`, per model merged.
        public let simulationSummaries: [String]
        public var missing: [String] { rows.filter { !$0.merged }.map(\.fit.name) }
    }

    public static func merge(
        plan: GridPlan, jobDirectory job: String, threads: Int = 1,
        progress: ((String) -> Void)? = nil
    ) throws -> Outcome {
        let status = GridStatus.read(plan: plan, jobDirectory: job)
        var rows: [Row] = [], mergedNow: [String] = []
        for fit in plan.fits {
            let directory = (job as NSString).appendingPathComponent(GridPlan.fitDirectory(fit.name))
            let tasks = status.tasks.filter { $0.fit == fit.name }
            if !FitDirectory.isFinished(directory) && plan.unit == .chain && tasks.allSatisfy({ $0.state == .done }) {
                try assemble(
                    fit: fit, tasks: plan.tasks.filter { $0.fit == fit.name }, plan: plan, jobDirectory: job,
                    threads: threads)
                mergedNow.append(fit.name)
                progress?("merged \(fit.name)")
            }
            let merged = FitDirectory.isFinished(directory)
            var elpd: (Double, Double)? = nil
            if merged, let report = try? ModelComparisonReport.compare(directories: [directory]),
                let loo = report.fits.first?.loo
            {
                elpd = (loo.elpd, loo.elpdSE)
            }
            let manifest = merged ? FitDirectory.manifest(directory) : nil
            let modelName =
                ((manifest?["options"] as? [String: Any])?["model"] as? String)
                ?? ((fit.model as NSString).lastPathComponent as NSString).deletingPathExtension
            rows.append(Row(fit: fit, modelName: modelName, merged: merged, manifest: manifest, elpd: elpd))
        }
        // Model comparison per data set (and seed), across the models merged.
        var comparisons: [String] = []
        let groups = Dictionary(grouping: rows.filter(\.merged)) { "\($0.fit.data)\u{0}\($0.fit.seed)" }
        let seedsPerData = Dictionary(grouping: plan.fits, by: \.data).mapValues { Set($0.map(\.seed)).count }
        try FileManager.default.createDirectory(
            atPath: (job as NSString).appendingPathComponent("compare"), withIntermediateDirectories: true)
        for key in groups.keys.sorted() {
            let group = groups[key]!
            guard group.count >= 2 else { continue }
            let first = group[0].fit
            var name = first.name.split(separator: ".").first.map(String.init) ?? "data"
            if (seedsPerData[first.data] ?? 1) > 1 { name += ".seed\(first.seed)" }
            let directories = group.map { (job as NSString).appendingPathComponent(GridPlan.fitDirectory($0.fit.name)) }
            let report = try ModelComparisonReport.compare(directories: directories)
            let path = (job as NSString).appendingPathComponent("compare/\(name).txt")
            try AtomicFile.write(Data((report.text + "\n").utf8), to: path)
            comparisons.append(path)
        }
        let tablePath = (job as NSString).appendingPathComponent("grid.csv")
        try AtomicFile.write(Data(table(rows).utf8), to: tablePath)
        let simulated = try GridSimulationSummary.write(
            plan: plan, jobDirectory: job, merged: Set(rows.filter(\.merged).map(\.fit.name)))
        return Outcome(
            rows: rows, mergedNow: mergedNow, comparisons: comparisons, tablePath: tablePath,
            simulationSummaries: simulated.files)
    }

    /// One fit from its chain tasks' folders.
    static func assemble(
        fit: GridPlan.Fit, tasks: [GridPlan.Task], plan: GridPlan, jobDirectory job: String, threads: Int
    ) throws {
        let directory = (job as NSString).appendingPathComponent(GridPlan.fitDirectory(fit.name))
        let lock = try OutputDirectory.prepare(directory, overwrite: true)
        do {
            try AtomicFile.write(
                plan.fitRunFile(fit, jobDirectory: job).json,
                to: (directory as NSString).appendingPathComponent("run.json"))
            let firstTask = (job as NSString).appendingPathComponent(tasks[0].directory)
            try place(
                (firstTask as NSString).appendingPathComponent(FitOptions.fittedModelFile),
                at: (directory as NSString).appendingPathComponent(FitOptions.fittedModelFile))
            for task in tasks {
                let from = (job as NSString).appendingPathComponent(task.directory)
                for c in task.chains {
                    try place(
                        (from as NSString).appendingPathComponent("chain-\(c).csv"),
                        at: (directory as NSString).appendingPathComponent("chain-\(c).csv"))
                    try place(
                        ChainCheckpointFile.path(directory: from, chain: c),
                        at: ChainCheckpointFile.path(directory: directory, chain: c))
                }
            }
        } catch {
            lock.release()
            throw error
        }
        lock.release()
        var options = try FitOptions.ofFit(in: directory)
        options.outputDirectory = directory
        options.threads = max(1, min(threads, options.chainIDs.count))
        _ = try FitRunner(options: options).run(resume: true)
    }

    /// A hard link to `source` at `target` (replacing it), or a copy where links are not allowed.
    static func place(_ source: String, at target: String) throws {
        unlink(target)
        if link(source, target) == 0 { return }
        guard let data = FileManager.default.contents(atPath: source) else {
            throw AtomicFile.WriteError(path: source, reason: "cannot read it (\(String(cString: strerror(errno))))")
        }
        try AtomicFile.write(data, to: target)
    }

    /// `grid.csv`: one row per fit.
    static func table(_ rows: [Row]) -> String {
        var lines = [
            "fit,data,model,seed,status,max_rhat,min_ess_bulk,min_ess_tail,divergences,elpd_loo,elpd_loo_se,verdict"
        ]
        func number(_ x: Any?) -> String {
            if let d = x as? Double { return d.isFinite ? String(format: "%.6g", d) : "NA" }
            if let i = x as? Int { return "\(i)" }
            return "NA"
        }
        for r in rows {
            let m = r.manifest
            let fields = [
                r.fit.name, r.fit.data, r.modelName, "\(r.fit.seed)", r.merged ? "merged" : "missing",
                number(m?["max_rhat"]), number(m?["min_ess_bulk"]), number(m?["min_ess_tail"]),
                number(m?["divergences"]),
                r.elpd.map { String(format: "%.6g", $0.value) } ?? "NA",
                r.elpd.map { String(format: "%.6g", $0.se) } ?? "NA",
                (m?["verdict"] as? String) ?? "NA"
            ]
            lines.append(fields.map(FitFiles.csvField).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The table as aligned text, for the terminal.
    /// With `allRows` false, only the fits not merged or not "ok", after a count of each verdict.
    public static func text(_ outcome: Outcome, allRows: Bool = true) -> String {
        let width = max(20, outcome.rows.map(\.fit.name.count).max() ?? 0) + 2
        func pad(_ s: String, _ w: Int, right: Bool = false) -> String {
            s.count >= w
                ? s + " "
                : (right
                    ? String(repeating: " ", count: w - s.count) + s : s + String(repeating: " ", count: w - s.count))
        }
        func fmt(_ x: Any?, _ format: String) -> String {
            if let i = x as? Int { return "\(i)" }
            if let d = x as? Double, d.isFinite { return String(format: format, d) }
            return "NA"
        }
        var lines = [
            pad("fit", width) + pad("status", 9) + pad("R-hat", 8, right: true) + pad("ESS", 8, right: true)
                + pad("div", 6, right: true) + pad("elpd_loo", 11, right: true) + "  verdict"
        ]
        var verdicts: [String: Int] = [:]
        for r in outcome.rows {
            verdicts[r.merged ? ((r.manifest?["verdict"] as? String) ?? "?") : "missing", default: 0] += 1
        }
        let shown =
            allRows ? outcome.rows : outcome.rows.filter { !$0.merged || ($0.manifest?["verdict"] as? String) != "ok" }
        if !allRows {
            lines.insert(
                "\(outcome.rows.count) fits: "
                    + verdicts.keys.sorted().map { "\(verdicts[$0]!) \($0)" }.joined(separator: ", ")
                    + (shown.isEmpty ? "" : "; those not ok:"), at: 0)
        }
        for r in shown {
            let m = r.manifest
            lines.append(
                pad(r.fit.name, width) + pad(r.merged ? "merged" : "missing", 9)
                    + pad(fmt(m?["max_rhat"], "%.3f"), 8, right: true)
                    + pad(fmt(m?["min_ess_bulk"], "%.0f"), 8, right: true)
                    + pad(fmt(m?["divergences"], "%.0f"), 6, right: true)
                    + pad(r.elpd.map { String(format: "%.1f", $0.value) } ?? "NA", 11, right: true) + "  "
                    + ((m?["verdict"] as? String) ?? "-"))
        }
        return lines.joined(separator: "\n")
    }
}
