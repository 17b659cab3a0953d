import Foundation
import RLModels
import Randomness

/// A planned grid (`JOBDIR/plan.json`): its fits, its tasks (one per chain of each fit, or one
/// per fit), and the SLURM resources each task asks for. Paths inside the job folder are kept
/// relative to it; data files are absolute.
///
/// A fit `f` with chains 1…C in chain mode is C tasks; task k runs chain c of f alone, as
/// `rlfit fit --chain-ids c` would (same seed, so the same draws), into `tasks/f/chain-c`, and
/// the merge assembles `fits/f` from those chains. In fit mode one task runs every chain of f
/// into `fits/f` itself.
public struct GridPlan: Codable, Sendable {
    public struct Fit: Codable, Sendable {
        /// `<data file stem>.<model>` (and `.seed<S>` when the grid has several seeds).
        public var name: String
        public var data: String
        public var model: String
        public var seed: UInt64
        /// The whole fit's options (every chain), `out` relative to the job folder.
        public var run: RunFile
        /// In a simulated design, which study (1…replicates) of its model.
        public var replicate: Int?
    }

    public struct Task: Codable, Sendable {
        /// 1-based: SLURM's array task id.
        public var number: Int
        public var fit: String
        public var chains: [Int]
        /// Where the task writes, relative to the job folder.
        public var directory: String
    }

    public struct Resources: Codable, Sendable, Equatable {
        public var cpusPerTask: Int
        public var memoryMB: Int
        public var timeMinutes: Int
        public var maxRunning: Int
        public var partition: String?
        public var sbatch: [String]
    }

    public var version = 1
    public var unit: GridFile.TaskUnit
    /// Recovery or SBC: the studies simulated into `data/` when planning.
    public var simulation: GridFile.Simulation?
    public var fits: [Fit]
    public var tasks: [Task]
    public var resources: Resources
    /// The `rlfit` the scripts call.
    public var rlfit: String

    public static let planFile = "plan.json"

    /// A fit's folder, and a task's, relative to the job folder.
    static func fitDirectory(_ fit: String) -> String { "fits/\(fit)" }
    static func chainTaskDirectory(fit: String, chain: Int) -> String { "tasks/\(fit)/chain-\(chain)" }
    public static func logFile(task: Int) -> String { "logs/task-\(task).log" }
    static func statusFile(task: Int) -> String { "status/task-\(task).json" }

    /// Reads `JOBDIR/plan.json`.
    public static func read(jobDirectory: String) throws -> GridPlan {
        let path = (jobDirectory as NSString).appendingPathComponent(planFile)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw GridError(
                kind: .noInput, message: "\(jobDirectory): no \(planFile) (not a grid's job folder?)",
                fix: "give the folder `rlfit grid plan GRID --out JOBDIR` wrote")
        }
        do {
            return try JSONDecoder().decode(GridPlan.self, from: data)
        } catch {
            throw GridError(
                kind: .badData, message: "\(path): not a plan this rlfit can read (\(error))",
                fix: "plan the grid again with this rlfit")
        }
    }

    /// A task by its number, or an error naming the range.
    public func task(_ number: Int) throws -> Task {
        guard number >= 1 && number <= tasks.count else {
            throw GridError(
                kind: .usage, message: "task \(number) is not in this grid (tasks 1…\(tasks.count))",
                fix: "give --task a number from tasks.tsv")
        }
        return tasks[number - 1]
    }

    public func fit(named name: String) -> Fit { fits.first { $0.name == name }! }

    /// The options of one task's run (absolute paths): the fit's, with the task's chains and folder.
    public func taskRunFile(_ task: Task, jobDirectory: String) -> RunFile {
        var r = fit(named: task.fit).run
        r.chainIDs = task.chains
        r.out = (jobDirectory as NSString).appendingPathComponent(task.directory)
        r.model = absoluteModel(r.model!, jobDirectory: jobDirectory)
        return r
    }

    /// The whole fit's options (absolute paths), writing to its merged folder.
    public func fitRunFile(_ fit: Fit, jobDirectory: String) -> RunFile {
        var r = fit.run
        r.out = (jobDirectory as NSString).appendingPathComponent(GridPlan.fitDirectory(fit.name))
        r.model = absoluteModel(r.model!, jobDirectory: jobDirectory)
        return r
    }

    /// Model files are copied into the job folder (`models/`), kept relative to it.
    func absoluteModel(_ model: String, jobDirectory: String) -> String {
        model.hasPrefix("models/") ? (jobDirectory as NSString).appendingPathComponent(model) : model
    }
}

/// Making a plan from a grid file: names, seeds, tasks, resources, and the job folder's files.
public enum GridPlanner {
    /// Overrides of the planned resources from the command line.
    public struct Overrides: Sendable {
        public var cpusPerTask: Int?
        public var mem: String?
        public var time: String?
        public var maxRunning: Int?
        public var rlfit: String?
        public init() {}
    }

    /// Plans `grid` into `jobDirectory` (which must not hold a plan yet) and writes
    /// `plan.json`, `tasks.tsv`, `task.sbatch`, `merge.sbatch`, `submit.sh`, and the model
    /// files' copies. The resources are estimated per (data, model) from one timed gradient and
    /// the fit's memory estimate, then the largest is asked for every task.
    public static func plan(
        _ grid: GridFile, gridPath: String, jobDirectory: String, overrides: Overrides = Overrides()
    ) throws -> GridPlan {
        let fm = FileManager.default
        if fm.fileExists(atPath: (jobDirectory as NSString).appendingPathComponent(GridPlan.planFile)) {
            throw GridError(
                kind: .cannotCreate, message: "\(jobDirectory) already holds a planned grid",
                fix: "run, merge or check it (`rlfit grid run|merge|status \(jobDirectory)`), or plan into a new folder"
            )
        }
        let job = absolute(jobDirectory)
        // Model files are copied in, so the tasks fit what was planned even if the file changes.
        var modelNames: [String: String] = [:] // grid's model → its name in the plan
        var modelDisplay: [String: String] = [:]
        var copies: [(String, Data)] = []
        for m in grid.models {
            let definition = try ModelCatalog.resolve(m, arguments: grid.options.arguments ?? [:])
            if ModelCatalog.isPath(m) {
                var base = (m as NSString).lastPathComponent
                while copies.contains(where: { $0.0 == "models/" + base }) { base = "copy-" + base }
                copies.append(("models/" + base, Data(definition.file.source.utf8)))
                modelNames[m] = "models/" + base
            } else {
                modelNames[m] = m
            }
            modelDisplay[m] = definition.name
        }
        var stems: [String: String] = [:]
        for d in grid.data {
            var stem = safeName(((d as NSString).lastPathComponent as NSString).deletingPathExtension)
            var k = 2
            while stems.values.contains(stem) {
                stem = safeName(((d as NSString).lastPathComponent as NSString).deletingPathExtension) + "-\(k)"; k += 1
            }
            stems[d] = stem
        }
        var random = Philox(seed: UInt64(Date().timeIntervalSince1970 * 1e6) ^ UInt64(getpid()), stream: 7)
        var fits: [GridPlan.Fit] = []
        let seeds = grid.seeds
        var simulated: [(path: String, write: () throws -> Void)] = []
        if let simulation = grid.simulation {
            // As `rlfit recover` and `rlfit sbc` simulate them: replicate r (0-based) from seed + r.
            let base = seeds?.first ?? 1
            for m in grid.models {
                let definition = try ModelCatalog.resolve(m, arguments: grid.options.arguments ?? [:])
                for r in 0..<simulation.replicates {
                    let name = "\(safeName(definition.name)).rep\(r + 1)"
                    let path = (job as NSString).appendingPathComponent("data/\(name).tsv")
                    let (study, studySeed) = try simulatedStudy(simulation, model: definition, seed: base, replicate: r)
                    simulated.append(
                        (
                            path,
                            {
                                try SimulationWriter.write(
                                    study, model: definition, seed: studySeed, blocks: simulation.blocks,
                                    missingProbability: 0,
                                    task: StudySimulator.task(for: definition, options: simulation.options), to: path)
                            }
                        ))
                    var run = grid.options
                    run.data = path
                    run.model = modelNames[m]!
                    run.seed = base &+ UInt64(r)
                    run.out = GridPlan.fitDirectory(name)
                    run.chains = nil
                    run.chainIDs = Array(1...(grid.options.chains ?? 4))
                    fits.append(
                        GridPlan.Fit(
                            name: name, data: path, model: modelNames[m]!, seed: base &+ UInt64(r), run: run,
                            replicate: r + 1))
                }
            }
        }
        for d in grid.data {
            for m in grid.models {
                for s in seeds ?? [0] {
                    var name = "\(stems[d]!).\(safeName(modelDisplay[m]!))"
                    if (seeds?.count ?? 1) > 1 { name += ".seed\(s)" }
                    while fits.contains(where: { $0.name == name }) { name += "-2" }
                    let seed = seeds == nil ? 1 + UInt64(random.nextUniform(0, 1) * Double(UInt32.max - 1)) : s
                    var run = grid.options
                    run.data = d
                    run.model = modelNames[m]!
                    run.seed = seed
                    run.out = GridPlan.fitDirectory(name)
                    run.chains = nil
                    run.chainIDs = Array(1...(grid.options.chains ?? 4))
                    fits.append(
                        GridPlan.Fit(name: name, data: d, model: modelNames[m]!, seed: seed, run: run, replicate: nil))
                }
            }
        }
        var tasks: [GridPlan.Task] = []
        for f in fits {
            switch grid.task {
            case .chain:
                for c in f.run.chainIDs! {
                    tasks.append(
                        GridPlan.Task(
                            number: tasks.count + 1, fit: f.name, chains: [c],
                            directory: GridPlan.chainTaskDirectory(fit: f.name, chain: c)))
                }
            case .fit:
                tasks.append(
                    GridPlan.Task(
                        number: tasks.count + 1, fit: f.name, chains: f.run.chainIDs!,
                        directory: GridPlan.fitDirectory(f.name)))
            }
        }
        try fm.createDirectory(atPath: job, withIntermediateDirectories: true)
        for sub in ["logs", "status", "fits", "tasks", "models"] + (simulated.isEmpty ? [] : ["data"]) {
            try fm.createDirectory(
                atPath: (job as NSString).appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        for study in simulated { try study.write() }
        let resources = try estimateResources(
            grid: grid, fits: fits, modelNames: modelNames, jobDirectory: job, overrides: overrides)
        let plan = GridPlan(
            unit: grid.task, simulation: grid.simulation, fits: fits, tasks: tasks, resources: resources,
            rlfit: overrides.rlfit ?? currentExecutablePath())
        for (path, data) in copies { try AtomicFile.write(data, to: (job as NSString).appendingPathComponent(path)) }
        if let gridData = fm.contents(atPath: gridPath) {
            try AtomicFile.write(gridData, to: (job as NSString).appendingPathComponent("grid.json"))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        var manifest = "task\tfit\tchains\tdirectory\tlog\n"
        for t in tasks {
            manifest +=
                "\(t.number)\t\(t.fit)\t\(t.chains.map(String.init).joined(separator: ","))\t\(t.directory)\t\(GridPlan.logFile(task: t.number))\n"
        }
        try AtomicFile.write(Data(manifest.utf8), to: (job as NSString).appendingPathComponent("tasks.tsv"))
        for (name, text) in GridScripts.scripts(plan: plan, jobDirectory: job) {
            let path = (job as NSString).appendingPathComponent(name)
            try AtomicFile.write(Data(text.utf8), to: path)
            chmod(path, 0o755)
        }
        // plan.json last: a folder with it is a planned grid.
        try AtomicFile.write(
            try encoder.encode(plan) + Data("\n".utf8), to: (job as NSString).appendingPathComponent(GridPlan.planFile))
        return plan
    }

    /// Per task: CPUs (1 per chain-task; one per chain, up to 8, per fit-task), memory (the fit's
    /// estimate for the chains a task runs, ×1.5 + 200 MB for the process), time (a gradient
    /// timed on the data, × (warmup + draws) iterations × 64 leapfrogs (trees of depth 6,
    /// typical of these posteriors after adaptation; warmup's deeper early trees are in the ×3
    /// margin) × 3, + 10 minutes; per fit-task × chains per CPU). The largest over the grid's
    /// (data, model) pairs.
    static func estimateResources(
        grid: GridFile, fits: [GridPlan.Fit], modelNames: [String: String], jobDirectory: String,
        overrides: Overrides
    ) throws -> GridPlan.Resources {
        let chains = grid.options.chains ?? 4
        let cpus = overrides.cpusPerTask ?? grid.slurm.cpusPerTask ?? (grid.task == .chain ? 1 : min(chains, 8))
        var memoryMB = 0, minutes = 0
        var seen = Set<String>()
        for f in fits where seen.insert("\(f.data)\u{0}\(f.model)").inserted {
            var run = f.run
            run.model = grid.models.first { modelNames[$0] == f.model }!
            run.out = jobDirectory
            var o = try FitOptions(runFile: run)
            let perTask = grid.task == .chain ? 1 : chains
            o.chainIDs = Array(1...perTask)
            o.threads = min(cpus, perTask)
            let (batch, covariates) = try FitRunner.loadStudy(o)
            let posterior = HierarchicalPosterior(
                model: o.model, batch: batch, priors: o.priors, mode: o.hierarchy, covariates: covariates)
            // as the fit will: no dense metric's memory for a large model
            _ = o.chooseMetric(dimension: posterior.dimension)
            let estimate = FitResources.estimate(
                options: o, dimension: posterior.dimension, outputColumns: posterior.outputCount,
                machineBytes: posterior.likelihoodMemoryBytes)
            memoryMB = max(memoryMB, 512, Int((estimate.memoryBytes * 1.5) / 1_048_576) + 200)
            let gradient = timeGradient(posterior)
            let rounds = Double((perTask + o.threads - 1) / o.threads)
            let seconds = gradient * Double(o.warmup + o.draws) * 64 * 3 * rounds
            minutes = max(minutes, Int((seconds / 60).rounded(.up)) + 10)
        }
        /// A resource the user set (command line over grid file), read by `parse`.
        func given(_ text: String?, _ parse: (String) -> Int?, what: String, expected: String, fix: String) throws
            -> Int?
        {
            guard let text else { return nil }
            guard let value = parse(text) else {
                throw GridError(kind: .usage, message: "\(what) '\(text)' is not \(expected)", fix: fix)
            }
            return value
        }
        memoryMB =
            try given(
                overrides.mem ?? grid.slurm.mem, megabytes, what: "memory", expected: "a size",
                fix: "give megabytes or a size with a unit: 800M, 2G") ?? memoryMB
        minutes =
            try given(
                overrides.time ?? grid.slurm.time, slurmMinutes, what: "time", expected: "a SLURM time",
                fix: "give minutes, HH:MM:SS or D-HH:MM:SS, e.g. 90 or 01:30:00") ?? minutes
        let maxRunning = overrides.maxRunning ?? grid.slurm.maxRunning ?? 100
        guard maxRunning >= 1, cpus >= 1 else {
            throw GridError(
                kind: .usage, message: "--max-running and --cpus-per-task must be at least 1",
                fix: "e.g. --max-running 50")
        }
        return GridPlan.Resources(
            cpusPerTask: cpus, memoryMB: memoryMB, timeMinutes: minutes, maxRunning: maxRunning,
            partition: grid.slurm.partition, sbatch: grid.slurm.sbatch ?? [])
    }

    /// Replicate r's study, simulated as `rlfit recover` (group values typical, or from the
    /// priors; study seed + r) or `rlfit sbc` (group values from the priors; study seed
    /// + 7919·(r + 1)) simulate it.
    static func simulatedStudy(_ s: GridFile.Simulation, model: ModelDefinition, seed: UInt64, replicate r: Int) throws
        -> (SimulatedStudy, UInt64)
    {
        switch s.kind {
        case .recovery:
            let group =
                s.fromPrior
                ? Recovery.priorDraw(model: model, seed: seed, replicate: r) : GroupValues.defaults(for: model)
            let studySeed = seed &+ UInt64(r)
            return (
                try StudySimulator.simulate(
                    model: model, subjects: s.subjects, trials: s.trials, blocks: s.blocks,
                    seed: studySeed, group: group, options: s.options), studySeed
            )
        case .sbc:
            let studySeed = seed &+ 7919 &* UInt64(r + 1)
            return (
                try StudySimulator.simulate(
                    model: model, subjects: s.subjects, trials: s.trials, seed: studySeed,
                    group: Recovery.priorDraw(model: model, seed: seed, replicate: r),
                    options: model.optionCount == nil ? (s.options ?? 3) : nil), studySeed
            )
        }
    }

    /// Seconds per log density + gradient at the origin (median of 5 after one warm-up).
    static func timeGradient(_ posterior: HierarchicalPosterior) -> Double {
        let x = [Double](repeating: 0, count: posterior.dimension)
        var g = [Double](repeating: 0, count: posterior.dimension)
        var times: [Double] = []
        for k in 0..<6 {
            let start = ProcessInfo.processInfo.systemUptime
            x.withUnsafeBufferPointer { xp in
                g.withUnsafeMutableBufferPointer { gp in _ = posterior.logDensity(xp, gradient: gp) }
            }
            if k > 0 { times.append(ProcessInfo.processInfo.systemUptime - start) }
        }
        return times.sorted()[times.count / 2]
    }

    /// "800M", "2G", "1500" (megabytes, as sbatch reads a bare number), "1T".
    static func megabytes(_ text: String) -> Int? {
        let t = text.trimmingCharacters(in: .whitespaces).uppercased()
        let units: [Character: Double] = ["K": 1.0 / 1024, "M": 1, "G": 1024, "T": 1024 * 1024]
        if let last = t.last, let u = units[last], let v = Double(t.dropLast()), v > 0 {
            return Int((v * u).rounded(.up))
        }
        if let v = Int(t), v > 0 { return v }
        return nil
    }

    /// SLURM's time formats: "M", "M:S", "H:M:S", "D-H", "D-H:M", "D-H:M:S" → minutes (rounded up).
    static func slurmMinutes(_ text: String) -> Int? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { return nil }
        let days = parts.count == 2 ? Int(parts[0]) : 0
        let clock = parts.last!.split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
        guard let days, days >= 0, !clock.isEmpty, clock.count <= 3, clock.allSatisfy({ $0 != nil && $0! >= 0 }) else {
            return nil
        }
        let c = clock.map { $0! }
        var seconds: Int
        if parts.count == 2 {
            seconds = c[0] * 3600 + (c.count > 1 ? c[1] * 60 : 0) + (c.count > 2 ? c[2] : 0)
        } else {
            switch c.count {
            case 1: seconds = c[0] * 60
            case 2: seconds = c[0] * 60 + c[1]
            default: seconds = c[0] * 3600 + c[1] * 60 + c[2]
            }
        }
        seconds += days * 86_400
        return seconds > 0 ? (seconds + 59) / 60 : nil
    }

    static func safeName(_ s: String) -> String {
        let mapped = s.map { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" ? $0 : "_" }
        return mapped.isEmpty ? "data" : String(mapped)
    }

    static func absolute(_ path: String) -> String {
        let p = (path as NSString).expandingTildeInPath
        return
            ((p.hasPrefix("/") ? p : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(p))
            as NSString).standardizingPath
    }

    /// This process's executable (what the scripts call back).
    public static func currentExecutablePath() -> String {
        if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return target }
        return absolute(CommandLine.arguments[0])
    }
}

/// A grid command's failure, with the sysexits kind the command line turns it into.
public struct GridError: Error, CustomStringConvertible {
    public enum Kind: Sendable { case usage, badData, noInput, cannotCreate, unfinished }
    public let kind: Kind
    public let message: String
    public let fix: String
    public var description: String { "error: \(message)\n  fix: \(fix)" }

    public init(kind: Kind, message: String, fix: String) {
        self.kind = kind
        self.message = message
        self.fix = fix
    }
}
