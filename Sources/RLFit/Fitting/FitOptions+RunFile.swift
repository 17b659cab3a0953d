import Foundation
import ModelLanguage
import RLModels
import Sampling

/// FitOptions from a run file (resolving and checking every option, defaults filled in), and back.
extension FitOptions {
    /// Resolves a run file (defaults filled in) into options, or explains what is missing or
    /// out of range, naming the key.
    public init(runFile r: RunFile, commandLine: [String] = CommandLine.arguments) throws {
        func fail(_ message: String) -> Error { FitOptionsError(message: message) }
        guard let data = r.data else {
            throw fail("no data file: give DATA on the command line or \"data\" in the run file")
        }
        guard let modelName = r.model else { throw fail("no model: give --model or \"model\" (see `rlfit models`)") }
        let model: ModelDefinition
        do {
            model = try ModelCatalog.resolve(modelName, arguments: r.arguments ?? [:])
        } catch let error as ModelCatalog.UnknownModel {
            throw fail(error.message)
        } catch let error as ModelArgumentError {
            throw fail(error.description)
        }
        guard let out = r.out else { throw fail("no output directory: give --out or \"out\"") }
        let chains = r.chains ?? 4
        guard chains >= 1 else { throw fail("chains must be at least 1") }
        guard chains <= FitOptions.maximumChains else {
            throw fail(
                "chains \(chains) is more than one fit runs (at most \(FitOptions.maximumChains)): 4 chains check convergence; for more draws give --draws, for more fits run them separately or as a grid"
            )
        }
        let ids = r.chainIDs ?? Array(1...chains)
        guard !ids.isEmpty, ids.allSatisfy({ $0 >= 1 }), Set(ids).count == ids.count else {
            throw fail("chain ids must be distinct positive integers, got \(ids)")
        }
        guard ids.count <= FitOptions.maximumChains else {
            throw fail("\(ids.count) chain ids is more than one fit runs (at most \(FitOptions.maximumChains))")
        }
        let warmup = r.integer("warmup") ?? 1000, draws = r.integer("draws") ?? 1000
        guard warmup >= 0 else { throw fail("warmup must be ≥ 0") }
        guard draws >= 1 else { throw fail("draws must be ≥ 1") }
        guard let metric = MetricKind(rawValue: r.text("metric") ?? "dense") else {
            throw fail("metric must be dense or diag, got '\(r.text("metric")!)'")
        }
        guard let covariance = CovarianceEstimator(rawValue: r.text("covariance") ?? "shrinkage") else {
            throw fail("covariance must be shrinkage, automatic or stan, got '\(r.text("covariance")!)'")
        }
        let adaptDelta = r.real("adapt_delta") ?? 0.8
        guard adaptDelta > 0 && adaptDelta < 1 else { throw fail("adapt delta must be in (0, 1), got \(adaptDelta)") }
        let maxDepth = r.integer("max_depth") ?? 10
        guard (1...20).contains(maxDepth) else { throw fail("max depth must be in 1...20, got \(maxDepth)") }
        let thin = r.integer("thin") ?? 1
        guard thin >= 1 else { throw fail("thin must be at least 1") }
        guard let hierarchy = HierarchyMode(rawValue: r.text("hierarchy") ?? model.file.hierarchy ?? "partial") else {
            throw fail("hierarchy must be partial, none or pooled, got '\(r.text("hierarchy")!)'")
        }
        let covariates = r.textList("covariates") ?? []
        guard covariates.isEmpty || hierarchy == .partial else {
            throw fail("covariates enter the group level: use --hierarchy partial (got \(hierarchy.rawValue))")
        }
        guard Set(covariates).count == covariates.count else {
            throw fail("a covariate is listed twice: \(covariates)")
        }
        let priors = HierarchyPriors(
            muScale: r.real("priors.mu") ?? 1, sigmaScale: r.real("priors.sigma"),
            gammaScale: r.real("priors.gamma") ?? 1)
        // Scales outside [1e-8, 1e8] leave the sampler no room (a half-normal of scale 1e-320 is 0
        // to the last bit) or no prior at all.
        for (name, v) in [("mu", priors.muScale), ("sigma", priors.sigmaScale ?? 1), ("gamma", priors.gammaScale)]
        where !(v >= 1e-8 && v <= 1e8) {
            throw fail("prior scale \(name) must be between 1e-8 and 1e8, got \(v)")
        }
        guard let initialization = FitOptions.Initialization(rawValue: r.text("init") ?? "random") else {
            throw fail("init must be random or optimize, got '\(r.text("init")!)'")
        }
        let initOptimizations = r.integer("init_optimizations") ?? InitialOptimizations.defaultCount
        guard (1...1000).contains(initOptimizations) else {
            throw fail("init optimizations must be in 1...1000, got \(initOptimizations)")
        }
        let initBuffer = r.integer("init_buffer") ?? FitOptions.defaultInitBuffer,
            window = r.integer("window") ?? FitOptions.defaultWindow
        let termBuffer = r.integer("term_buffer") ?? FitOptions.defaultTermBuffer
        guard initBuffer >= 0, termBuffer >= 0, window >= 1 else {
            throw fail("init buffer and term buffer must be ≥ 0, window ≥ 1")
        }
        self.init(
            model: model, dataPath: data, outputDirectory: out, chainIDs: ids, warmup: warmup, draws: draws,
            seed: r.seed ?? UInt64.random(in: 1...UInt64(UInt32.max)), metric: metric, covariance: covariance,
            adaptDelta: adaptDelta, maxDepth: maxDepth, thin: thin, saveWarmup: r.flag("save_warmup") ?? false,
            priors: priors, commandLine: commandLine)
        self.metricIsDefault = r.text("metric") == nil
        self.initialization = initialization
        self.initOptimizations = initOptimizations
        self.initBuffer = initBuffer
        self.window = window
        self.termBuffer = termBuffer
        self.hierarchy = hierarchy
        self.covariates = covariates
        self.condition = r.text("condition")
        self.columnNames = r.textMap("columns") ?? [:]
        self.firstOption = r.integer("first_option") ?? 1
        self.trialTable = r.trialTable
        guard firstOption == 0 || firstOption == 1 else {
            throw fail("first option must be 0 or 1, got \(firstOption)")
        }
        if let message = Self.unknownColumnMapping(columnNames, model: model) { throw fail(message) }
    }

    /// Every key of `--columns` must be a column the model reads (or subjID, block, trial): a
    /// misspelt key would otherwise be ignored, and the data error would then blame the column
    /// it was meant to map. The message, or nil when every key is known (`fit` and `check`).
    public static func unknownColumnMapping(_ columnNames: [String: String], model: ModelDefinition) -> String? {
        let modelColumns = model.file.data.map(\.name)
        let knownColumns = Set((["subjid", "block", "trial"] + modelColumns).map(TrialTableReader.normalize))
        guard
            let key = columnNames.keys.sorted().first(where: { !knownColumns.contains(TrialTableReader.normalize($0)) })
        else { return nil }
        let guess = Suggestions.closest(to: key, among: ["subjID", "block", "trial"] + modelColumns)
        return
            "--columns maps '\(key)', which \(model.name) does not read (it reads subjID, \(modelColumns.joined(separator: ", ")), block, trial)"
            + (guess.map { "; did you mean '\($0)'?" } ?? "")
    }

    /// The resolved options as a run file (what `run.json` in the fit directory holds): every
    /// option, defaults filled in.
    public var runFile: RunFile {
        var r = RunFile()
        // Absolute paths: `--config DIR/run.json` and the replays (summary, loglik, …) then find
        // the data and the model from any working directory.
        r.data = Self.absolute(dataPath)
        switch model.origin {
        case .builtIn: r.model = model.name
        case let .file(path): r.model = Self.absolute(path)
        }
        r.arguments = model.argumentOverrides.isEmpty ? nil : model.argumentOverrides
        r.out = outputDirectory
        r.chainIDs = chainIDs
        r.seed = seed
        r.set("warmup", warmup)
        r.set("draws", draws)
        r.set("metric", metric.rawValue)
        r.set("covariance", covariance.rawValue)
        r.set("adapt_delta", adaptDelta)
        r.set("max_depth", maxDepth)
        r.set("init", initialization.rawValue)
        r.set("init_optimizations", initOptimizations)
        r.set("init_buffer", initBuffer)
        r.set("window", window)
        r.set("term_buffer", termBuffer)
        r.set("thin", thin)
        r.set("save_warmup", saveWarmup)
        r.set("hierarchy", hierarchy.rawValue)
        r.set("covariates", covariates)
        r.set("priors.mu", priors.muScale)
        r.set("priors.sigma", priors.sigmaScale)
        r.set("priors.gamma", priors.gammaScale)
        r.set("condition", condition)
        r.set("columns", columnNames.isEmpty ? nil : columnNames)
        r.set("first_option", firstOption)
        r.trialTable = trialTable
        return r
    }
}

extension FitOptions {
    /// `path` made absolute against the working directory (already absolute paths unchanged).
    static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }
}
