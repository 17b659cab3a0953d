import Foundation
import RLModels

/// A grid file: the fits of a study design — every data file × every model × every seed — with
/// the fit options they share, as JSON (`rlfit grid plan GRID --out JOBDIR`).
///
/// ```json
/// {"data": ["study_a.tsv", "study_b.tsv"],
///  "models": ["bandit2arm_delta", "models/my_model.rlm"],
///  "seeds": [1, 2],
///  "options": {"chains": 4, "warmup": 1000, "draws": 1000, "adapt_delta": 0.9},
///  "task": "chain",
///  "slurm": {"time": "02:00:00", "mem": "2G", "max_running": 50, "partition": "short"}}
/// ```
///
/// - `data`, `models` (built-in names or model files): relative paths are relative to the grid
///   file's folder. Instead of `data`, `recovery` or `sbc` simulates the studies when planning
///   (`Simulation`): per model, `replicates` studies from the model's reference task, each fitted
///   as a fit of the grid, and the merge reports parameter recovery or simulation-based
///   calibration as `rlfit recover` and `rlfit sbc` do (same simulated studies for the same seed). `seeds` is optional: without it each fit gets a seed drawn at planning time
///   (recorded in the plan, so a rerun is the same).
/// - `options`: a run file's keys (`rlfit fit --config`), the same names and meanings, except
///   the ones the grid sets per fit (data, model, out, seed, chain_ids).
/// - `task`: `chain` (default: one array task per chain, merged afterwards) or `fit` (one task
///   runs every chain of a fit, on as many CPUs).
/// - `slurm`: overrides of the planned `--cpus-per-task`, `--mem`, `--time`, the array's
///   `%max_running`, `--partition`, and extra `sbatch` options (a list of strings).
///
/// Every error names the file, line and column, as run files' do.
public struct GridFile: Sendable, Equatable {
    public enum TaskUnit: String, Codable, Sendable { case chain, fit }

    public struct Slurm: Codable, Sendable, Equatable {
        public var cpusPerTask: Int?
        public var mem: String?
        public var time: String?
        public var maxRunning: Int?
        public var partition: String?
        public var sbatch: [String]?

        enum CodingKeys: String, CodingKey {
            case cpusPerTask = "cpus_per_task", mem, time, maxRunning = "max_running", partition, sbatch
        }

        public init() {}
    }

    /// Studies simulated when planning, one per replicate and model: `recovery` (group values
    /// the model's typical ones, or drawn from the priors with `from_prior`) or `sbc` (drawn
    /// from the priors; ranks of μ, σ and subject 1's parameters among `rank_draws` draws, in
    /// `bins` bins). `options`: K, for models that take it from the data.
    public struct Simulation: Codable, Sendable, Equatable {
        public enum Kind: String, Codable, Sendable { case recovery, sbc }
        public var kind: Kind
        public var replicates: Int
        public var subjects: Int
        public var trials: Int
        public var blocks: Int
        public var fromPrior: Bool
        public var options: Int?
        public var rankDraws: Int
        public var bins: Int

        enum CodingKeys: String, CodingKey {
            case kind, replicates, subjects, trials, blocks, fromPrior = "from_prior", options, rankDraws =
                "rank_draws", bins
        }
        static let keys: [Kind: [String]] = [
            .recovery: ["replicates", "subjects", "trials", "blocks", "from_prior", "options"],
            .sbc: ["replicates", "subjects", "trials", "options", "rank_draws", "bins"]
        ]
    }

    /// Absolute paths (none when the studies are simulated).
    public var data: [String]
    public var simulation: Simulation?
    /// Built-in names, or absolute paths of model files.
    public var models: [String]
    public var seeds: [UInt64]?
    public var options: RunFile
    public var task: TaskUnit
    public var slurm: Slurm

    private struct Raw: Decodable {
        var data: [String]?
        var recovery: [String: JSONValue]?
        var sbc: [String: JSONValue]?
        var models: [String]?
        var seeds: [UInt64]?
        var options: JSONValue?
        var task: String?
        var slurm: Slurm?
    }

    static let keys = ["data", "recovery", "sbc", "models", "seeds", "options", "task", "slurm"]
    /// Run-file keys a grid decides per fit.
    static let perFitKeys = ["data", "model", "out", "seed", "chain_ids"]

    /// Reads and checks a grid file (syntax, keys, types, that every data file exists and every
    /// model resolves).
    public static func read(path: String) throws -> GridFile {
        guard let bytes = FileManager.default.contents(atPath: path) else {
            throw GridFileError(
                path: path, problem: "cannot read the grid file", fix: "check the path given to `rlfit grid plan`")
        }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: bytes)
        } catch {
            let detail = ((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String) ?? "\(error)"
            throw GridFileError(
                path: path, position: JSONTextLocation.syntaxErrorPosition(error, in: bytes),
                problem: "not valid JSON: \(detail)")
        }
        func fail(_ keyPath: [String], atKey: Bool = false, _ problem: String, fix: String = GridFileError.defaultFix)
            -> GridFileError
        {
            GridFileError(
                path: path, position: JSONTextLocation.valuePosition(keyPath: keyPath, in: bytes, atKey: atKey),
                problem: problem, fix: fix)
        }
        if let duplicate = JSONTextLocation.duplicateKey(in: bytes) {
            throw GridFileError(
                path: path, position: (duplicate.line, duplicate.column),
                problem:
                    "key '\(JSONTextLocation.visible(duplicate.key))' is given twice (JSON readers would keep one silently)"
            )
        }
        guard let top = object as? [String: Any] else {
            throw GridFileError(
                path: path, position: (1, 1),
                problem: "a grid file is one JSON object, {\"data\": [...], \"models\": [...]}")
        }
        if let unknown = top.keys.filter({ !keys.contains($0) }).sorted().first {
            throw fail([unknown], atKey: true, "unknown key '\(JSONTextLocation.visible(unknown))'")
        }
        if let options = top["options"] as? [String: Any] {
            if let perFit = options.keys.filter({ perFitKeys.contains($0) }).sorted().first {
                throw fail(
                    ["options", perFit], atKey: true, "'\(perFit)' is set per fit by the grid, not in options",
                    fix:
                        "list data files in \"data\", models in \"models\", seeds in \"seeds\"; the plan sets out and chain_ids"
                )
            }
        }
        if let slurm = top["slurm"] as? [String: Any],
            let unknown = slurm.keys.filter({
                !["cpus_per_task", "mem", "time", "max_running", "partition", "sbatch"].contains($0)
            }).sorted().first
        {
            throw fail(
                ["slurm", unknown], atKey: true, "unknown slurm setting '\(unknown)'",
                fix:
                    "slurm takes cpus_per_task, mem, time, max_running, partition and sbatch (a list of extra sbatch options)"
            )
        }
        let raw: Raw
        do {
            raw = try JSONDecoder().decode(Raw.self, from: bytes)
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            let keyPath = context.codingPath.map(\.stringValue).filter { Int($0) == nil }
            throw fail(
                keyPath,
                "key '\(context.codingPath.map(\.stringValue).joined(separator: "."))': \(context.debugDescription)")
        } catch {
            throw GridFileError(path: path, problem: "\(error)")
        }
        var options = RunFile()
        switch raw.options {
        case nil: break
        case let .object(fields)?:
            do {
                options = try RunFile(json: fields)
            } catch let p as RunFile.ValueProblem {
                throw fail(
                    ["options"] + p.keyPath, atKey: p.atKey,
                    p.problem.replacingOccurrences(of: "key '", with: "key 'options."),
                    fix:
                        "options take a run file's keys: the long option names with _ for - (adapt_delta, max_depth, ...)"
                )
            }
        default: throw fail(["options"], "options must be an object of run file keys, {\"chains\": 4, ...}")
        }
        let folder = ((path as NSString).deletingLastPathComponent as NSString)
        func absolute(_ p: String) -> String {
            let expanded = (p as NSString).expandingTildeInPath
            let joined = expanded.hasPrefix("/") ? expanded : folder.appendingPathComponent(expanded)
            let full =
                joined.hasPrefix("/")
                ? joined : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(joined)
            return (full as NSString).standardizingPath
        }
        let designs = [
            raw.data != nil ? "data" : nil, raw.recovery != nil ? "recovery" : nil, raw.sbc != nil ? "sbc" : nil
        ].compactMap { $0 }
        guard designs.count == 1 else {
            throw fail(
                designs.count > 1 ? [designs[1]] : [], atKey: true,
                designs.isEmpty
                    ? "no studies: give \"data\" (files), or \"recovery\" or \"sbc\" (simulated)"
                    : "give one of \"data\", \"recovery\" and \"sbc\", not \(designs.joined(separator: " and "))")
        }
        let simulation =
            try raw.recovery.map { try readSimulation($0, kind: .recovery, fail: fail) }
            ?? raw.sbc.map { try readSimulation($0, kind: .sbc, fail: fail) }
        let data = raw.data ?? []
        guard simulation != nil || !data.isEmpty else {
            throw fail(["data"], "no data files: give \"data\": [\"study.tsv\", ...]")
        }
        guard let models = raw.models, !models.isEmpty else {
            throw fail(["models"], "no models: give \"models\": [\"bandit2arm_delta\", ...]")
        }
        if simulation != nil, let seeds = raw.seeds, seeds.count > 1 {
            throw fail(
                ["seeds"], "a simulated design takes one seed (its replicates are seeds seed, seed + 1, …)",
                fix: "give \"seeds\": [S]")
        }
        let dataPaths = data.map(absolute)
        for (i, p) in dataPaths.enumerated() where !FileManager.default.isReadableFile(atPath: p) {
            throw fail(
                ["data"], "data file \(i + 1), \(data[i]), cannot be read (looked for \(p))",
                fix: "paths are relative to the grid file's folder, \(folder)")
        }
        guard Set(dataPaths).count == dataPaths.count else { throw fail(["data"], "a data file is listed twice") }
        var resolvedModels: [String] = []
        for m in models {
            let name = ModelCatalog.isPath(m) ? absolute(m) : m
            do {
                _ = try ModelCatalog.resolve(name, arguments: options.arguments ?? [:])
            } catch let e as ModelCatalog.UnknownModel {
                throw fail(["models"], e.message)
            } catch let e as ModelArgumentError {
                throw fail(["options", "arguments"], e.description)
            }
            if let simulation, let definition = try? ModelCatalog.resolve(name, arguments: options.arguments ?? [:]) {
                do {
                    try StudySimulator.check(definition)
                } catch let e as SimulationError {
                    throw fail(
                        ["models"],
                        "\(simulation.kind.rawValue) cannot simulate \(definition.name)'s studies: \(e.message)",
                        fix: "remove it from this grid, or fit its real data with \"data\"")
                }
            }
            resolvedModels.append(name)
        }
        guard Set(resolvedModels).count == resolvedModels.count else {
            throw fail(["models"], "a model is listed twice")
        }
        if let seeds = raw.seeds {
            guard !seeds.isEmpty, Set(seeds).count == seeds.count else {
                throw fail(["seeds"], "seeds must be distinct, and at least one")
            }
        }
        guard let task = TaskUnit(rawValue: raw.task ?? "chain") else {
            throw fail(
                ["task"],
                "task must be \"chain\" (one array task per chain) or \"fit\" (one per fit), got '\(raw.task!)'")
        }
        let slurm = raw.slurm ?? Slurm()
        if let c = slurm.cpusPerTask, c < 1 {
            throw fail(["slurm", "cpus_per_task"], "cpus_per_task must be at least 1")
        }
        if let m = slurm.maxRunning, m < 1 { throw fail(["slurm", "max_running"], "max_running must be at least 1") }
        if let t = options.trialTable { options.trialTable = absolute(t) }
        // The options must resolve as a fit's would (ranges, names), checked once with the first fit.
        do {
            var probe = options
            probe.data = dataPaths.first ?? "simulated.tsv"
            probe.model = resolvedModels[0]
            probe.out = "/"
            probe.seed = 1
            _ = try FitOptions(runFile: probe)
        } catch let e as FitOptionsError {
            throw fail(["options"], e.message)
        }
        if let simulation, simulation.kind == .sbc {
            let kept = (options.chains ?? 4) * ((options.integer("draws") ?? 1000) / (options.integer("thin") ?? 1))
            guard kept >= simulation.rankDraws else {
                throw fail(
                    ["sbc", "rank_draws"],
                    "rank_draws \(simulation.rankDraws) is more than the \(kept) draws each fit keeps",
                    fix: "lower rank_draws, or raise chains or draws in options")
            }
        }
        return GridFile(
            data: dataPaths, simulation: simulation, models: resolvedModels, seeds: raw.seeds, options: options,
            task: task, slurm: slurm)
    }

    /// A `recovery` or `sbc` object: its keys and values checked, defaults as `rlfit recover`
    /// (1 replicate of 50 subjects × 200 trials) and `rlfit sbc` (100 of 10 × 100, 99 rank draws, 10 bins).
    private static func readSimulation(
        _ object: [String: JSONValue], kind: Simulation.Kind,
        fail: ([String], Bool, String, String) -> GridFileError
    ) throws -> Simulation {
        let key = kind.rawValue
        if let unknown = object.keys.filter({ !Simulation.keys[kind]!.contains($0) }).sorted().first {
            throw fail(
                [key, unknown], true, "unknown \(key) setting '\(unknown)'",
                "\(key) takes \(Simulation.keys[kind]!.joined(separator: ", "))")
        }
        func count(_ name: String, _ fallback: Int, minimum: Int = 1) throws -> Int {
            guard let v = object[name] else { return fallback }
            guard case let .integer(i) = v, i >= minimum else {
                throw fail(
                    [key, name], false, "\(key).\(name) must be a whole number ≥ \(minimum)", GridFileError.defaultFix)
            }
            return Int(i)
        }
        var fromPrior = false
        if let v = object["from_prior"] {
            guard case let .bool(b) = v else {
                throw fail(
                    [key, "from_prior"], false, "recovery.from_prior must be true or false", GridFileError.defaultFix)
            }
            fromPrior = b
        }
        let options = object["options"] == nil ? nil : try count("options", 3, minimum: 2)
        let simulation = Simulation(
            kind: kind, replicates: try count("replicates", kind == .sbc ? 100 : 1),
            subjects: try count("subjects", kind == .sbc ? 10 : 50),
            trials: try count("trials", kind == .sbc ? 100 : 200),
            blocks: try count("blocks", 1), fromPrior: fromPrior, options: options,
            rankDraws: try count("rank_draws", 99), bins: try count("bins", 10, minimum: 2))
        guard simulation.blocks <= simulation.trials else {
            throw fail([key, "blocks"], false, "more blocks than trials", GridFileError.defaultFix)
        }
        return simulation
    }
}

/// A grid file that cannot be used: `path:line:column: error: problem` and a fix.
public struct GridFileError: Error, CustomStringConvertible {
    public let path: String
    public let position: (line: Int, column: Int)?
    public let problem: String
    public let fix: String
    public static let defaultFix =
        "a grid file has \"data\" (files), \"models\" (names or files), optional \"seeds\", \"options\" (run file keys), \"task\" and \"slurm\"; see README, Running on a cluster"

    public init(
        path: String, position: (line: Int, column: Int)? = nil, problem: String, fix: String = GridFileError.defaultFix
    ) {
        self.path = path
        self.position = position
        self.problem = problem
        self.fix = fix
    }

    public var description: String {
        let place = position.map { "\(path):\($0.line):\($0.column)" } ?? path
        return "\(place): error: \(problem)\n  fix: \(fix)"
    }
}
