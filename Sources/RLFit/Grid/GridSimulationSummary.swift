import Diagnostics
import Foundation
import RLModels

/// A simulated grid's result per model, from its merged fits' chain files and the studies' true
/// values (`data/<model>.rep<r>.tsv.truth.json`): parameter recovery (`Recovery.summarize`: each
/// subject's posterior mean and 90% interval against the truth) or simulation-based calibration
/// (`SimulationBasedCalibration.summarize`: the rank of each true μ, σ and subject 1's parameter
/// among evenly thinned draws, all chains in order) — the same computations as `rlfit recover`
/// and `rlfit sbc`, on the draws as the chain files hold them (6 significant digits).
enum GridSimulationSummary {
    /// Writes `recovery/<model>.txt` and `.csv` (or `sbc/…`) for every model whose replicates
    /// have all been merged; returns the files written and the models still waiting.
    static func write(plan: GridPlan, jobDirectory job: String, merged: Set<String>) throws -> (
        files: [String], waiting: [String]
    ) {
        guard let simulation = plan.simulation else { return ([], []) }
        let folder = (job as NSString).appendingPathComponent(simulation.kind.rawValue)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var files: [String] = [], waiting: [String] = []
        var models: [String] = []
        for f in plan.fits where !models.contains(f.model) { models.append(f.model) }
        for modelName in models {
            let fits = plan.fits.filter { $0.model == modelName }.sorted { ($0.replicate ?? 0) < ($1.replicate ?? 0) }
            let model = try ModelCatalog.resolve(
                plan.absoluteModel(modelName, jobDirectory: job), arguments: fits[0].run.arguments ?? [:])
            guard fits.allSatisfy({ merged.contains($0.name) }) else { waiting.append(model.name); continue }
            let options = try FitOptions(runFile: plan.fitRunFile(fits[0], jobDirectory: job))
            let text: String, csv: String
            switch simulation.kind {
            case .recovery:
                let r = try recovery(
                    fits: fits, model: model, simulation: simulation, options: options, jobDirectory: job)
                (text, csv) = (r.text, r.csv)
            case .sbc:
                let r = try calibration(
                    fits: fits, model: model, simulation: simulation, options: options, jobDirectory: job)
                (text, csv) = (r.text, r.csv)
            }
            let base = (folder as NSString).appendingPathComponent(GridPlanner.safeName(model.name))
            try AtomicFile.write(Data((text + "\n").utf8), to: base + ".txt")
            try AtomicFile.write(Data(csv.utf8), to: base + ".csv")
            files.append(base + ".txt")
        }
        return (files, waiting)
    }

    /// Each fit's draws of the named columns (all chains, in chain order), and its study's truth.
    static func draws(_ fit: GridPlan.Fit, columns: [String], jobDirectory job: String) throws -> (
        draws: [[Double]], truth: [String: Any]
    ) {
        let contents = try FitDirectory.read((job as NSString).appendingPathComponent(GridPlan.fitDirectory(fit.name)))
        let names = contents.chains[0].columnNames
        let draws = try columns.map { name -> [Double] in
            guard let k = names.firstIndex(of: name) else {
                throw GridError(
                    kind: .badData, message: "\(fit.name): the chain files have no column \(name)",
                    fix: "merge the grid again")
            }
            return contents.chains.flatMap { $0.quantity(k) }
        }
        guard let data = FileManager.default.contents(atPath: fit.data + ".truth.json"),
            let truth = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else {
            throw GridError(
                kind: .noInput, message: "\(fit.data).truth.json cannot be read",
                fix: "the simulated studies' true values are written when planning; plan the grid again")
        }
        return (draws, truth)
    }

    /// The grid's simulated studies and fits, described as `rlfit recover` and `rlfit sbc`
    /// describe their own (the seed: the first fit's).
    static func simulatedFits(
        _ fits: [GridPlan.Fit], model: ModelDefinition, simulation s: GridFile.Simulation, options o: FitOptions
    ) -> SimulatedFits {
        var design = SimulatedFits(
            model: model, replicates: fits.count, subjects: s.subjects, trials: s.trials, warmup: o.warmup,
            draws: o.draws)
        design.options = s.options
        design.seed = fits[0].seed
        design.chains = o.chainIDs.count
        return design
    }

    static func values(_ truth: [String: Any], _ key: String) -> [Double] {
        (truth[key] as? [Any] ?? []).compactMap { ($0 as? NSNumber)?.doubleValue ?? ($0 as? Double) }
    }

    static func recovery(
        fits: [GridPlan.Fit], model: ModelDefinition, simulation s: GridFile.Simulation, options o: FitOptions,
        jobDirectory job: String
    ) throws -> Recovery {
        let P = model.parameters.count, S = s.subjects
        var estimates: [[[Double]]] = Array(repeating: [], count: P),
            truths: [[[Double]]] = Array(repeating: [], count: P)
        var covered = [Int](repeating: 0, count: P)
        for fit in fits {
            let columns = model.parameters.flatMap { p in (1...S).map { "\(p.name).\($0)" } }
            let (draws, truth) = try draws(fit, columns: columns, jobDirectory: job)
            for (p, spec) in model.parameters.enumerated() {
                let trueValues = values(truth, spec.name)
                var means: [Double] = []
                for s in 0..<S {
                    let d = draws[p * S + s]
                    means.append(d.reduce(0, +) / Double(d.count))
                    let q = quantiles(d, probabilities: [0.05, 0.95])
                    if q[0] <= trueValues[s] && trueValues[s] <= q[1] { covered[p] += 1 }
                }
                estimates[p].append(means)
                truths[p].append(trueValues)
            }
        }
        var options = Recovery.Options(model: model)
        options.fits = simulatedFits(fits, model: model, simulation: s, options: o)
        options.blocks = s.blocks
        options.fromPrior = s.fromPrior
        return Recovery.summarize(options, estimates: estimates, truths: truths, covered: covered)
    }

    static func calibration(
        fits: [GridPlan.Fit], model: ModelDefinition, simulation s: GridFile.Simulation, options o: FitOptions,
        jobDirectory job: String
    ) throws -> SimulationBasedCalibration {
        let names = SimulationBasedCalibration.trackedQuantities(model)
        var ranks = [[Int]](repeating: [], count: names.count)
        for fit in fits {
            let (draws, truth) = try draws(fit, columns: names, jobDirectory: job)
            let trueValues =
                values(truth, "mu_pr") + values(truth, "sigma") + model.parameters.map { values(truth, $0.name)[0] }
            let count = draws[0].count
            let step = max(1, count / s.rankDraws)
            let kept = Array(stride(from: 0, to: count, by: step).prefix(s.rankDraws))
            for q in names.indices { ranks[q].append(kept.filter { draws[q][$0] < trueValues[q] }.count) }
        }
        var options = SimulationBasedCalibration.Options(model: model)
        options.fits = simulatedFits(fits, model: model, simulation: s, options: o)
        options.rankDraws = s.rankDraws
        options.bins = s.bins
        return SimulationBasedCalibration.summarize(options, names: names, ranks: ranks)
    }
}
