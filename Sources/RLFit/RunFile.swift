import Foundation
import ModelLanguage
import RLModels
import Sampling

/// A run file: everything a fit needs, as JSON with the command line's option names
/// (`rlfit fit --config run.json`). Every key is optional; options given on the command line
/// override the file. The fit directory keeps the resolved file as `run.json`, so
/// `rlfit fit --config DIR/run.json` reproduces the fit.
///
/// ```json
/// {"data": "study.tsv", "model": "bandit2arm_delta", "out": "fits/b2a", "chains": 4,
///  "arguments": {"payscale": 100},
///  "warmup": 1000, "draws": 1000, "seed": 7, "metric": "dense", "adapt_delta": 0.8,
///  "max_depth": 10, "hierarchy": "partial", "covariates": ["age"],
///  "priors": {"mu": 1, "sigma": 0.2, "gamma": 1}}
/// ```
public struct RunFile: Codable, Sendable, Equatable {
    public struct Priors: Codable, Sendable, Equatable {
        public var mu: Double?
        public var sigma: Double?
        public var gamma: Double?
        public init(mu: Double? = nil, sigma: Double? = nil, gamma: Double? = nil) {
            self.mu = mu
            self.sigma = sigma
            self.gamma = gamma
        }
    }

    public var data: String?
    /// A built-in model's name or a model file's path.
    public var model: String?
    /// Values for the model file's arguments (`--arg NAME=VALUE`).
    public var arguments: [String: Double]?
    public var out: String?
    public var chains: Int?
    public var chainIDs: [Int]?
    public var warmup: Int?
    public var draws: Int?
    public var seed: UInt64?
    public var metric: String?
    public var covariance: String?
    public var adaptDelta: Double?
    public var maxDepth: Int?
    public var initBuffer: Int?
    public var window: Int?
    public var termBuffer: Int?
    public var thin: Int?
    public var saveWarmup: Bool?
    public var hierarchy: String?
    public var covariates: [String]?
    public var priors: Priors?
    public var condition: String?
    public var columns: [String: String]?
    public var firstOption: Int?
    public var trialTable: String?

    enum CodingKeys: String, CodingKey {
        case data, model, arguments, out, chains, chainIDs = "chain_ids", warmup, draws, seed, metric, covariance
        case adaptDelta = "adapt_delta", maxDepth = "max_depth", initBuffer = "init_buffer", window
        case termBuffer = "term_buffer", thin, saveWarmup = "save_warmup", hierarchy, covariates, priors
        case condition, columns, firstOption = "first_option", trialTable = "trial_table"
    }

    public init() {}

    /// Reads a run file; errors name the file, the line and column, and what is wrong. The
    /// syntax is checked by `JSONSerialization` first: it rejects what JSON does not allow
    /// (trailing commas, comments), which the decoder would pass.
    public static func read(path: String) throws -> RunFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RunFileError(path: path, problem: "cannot read the file")
        }
        do {
            _ = try JSONSerialization.jsonObject(with: data)
        } catch {
            let detail = ((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String) ?? "\(error)"
            throw RunFileError(path: path, position: JSONTextLocation.syntaxErrorPosition(error, in: data),
                               problem: "not valid JSON: \(detail)")
        }
        do {
            return try JSONDecoder().decode(RunFile.self, from: data)
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            let keys = context.codingPath.map(\.stringValue)
            let problem = keys.isEmpty ? "a run file is one JSON object, {\"model\": ..., \"data\": ...}: \(context.debugDescription)"
                : "key '\(keys.joined(separator: "."))': \(context.debugDescription)"
            throw RunFileError(path: path, position: JSONTextLocation.valuePosition(keyPath: keys, in: data), problem: problem)
        } catch {
            throw RunFileError(path: path, problem: "\(error)")
        }
    }

    /// Unknown keys are mistakes (a typo would silently fall back to a default): list them.
    public static func unknownKeys(path: String) -> [String] {
        guard let data = FileManager.default.contents(atPath: path),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [] }
        return unknownKeys(in: object)
    }

    /// The keys of a run file's JSON object (or a grid file's "options") that RLFit does not know.
    static func unknownKeys(in object: [String: Any]) -> [String] {
        let known = Set(["data", "model", "arguments", "out", "chains", "chain_ids", "warmup", "draws", "seed", "metric", "covariance",
                         "adapt_delta", "max_depth", "init_buffer", "window", "term_buffer", "thin", "save_warmup",
                         "hierarchy", "covariates", "priors", "condition", "columns", "first_option", "trial_table"])
        var unknown = object.keys.filter { !known.contains($0) }.sorted()
        if let priors = object["priors"] as? [String: Any] {
            unknown += priors.keys.filter { !["mu", "sigma", "gamma"].contains($0) }.sorted().map { "priors.\($0)" }
        }
        return unknown
    }

    /// `other`'s values where it has them, else this file's.
    public func overridden(by other: RunFile) -> RunFile {
        var r = self
        r.data = other.data ?? data
        r.model = other.model ?? model
        r.arguments = other.arguments ?? arguments
        r.out = other.out ?? out
        r.chains = other.chains ?? chains
        r.chainIDs = other.chainIDs ?? chainIDs
        r.warmup = other.warmup ?? warmup
        r.draws = other.draws ?? draws
        r.seed = other.seed ?? seed
        r.metric = other.metric ?? metric
        r.covariance = other.covariance ?? covariance
        r.adaptDelta = other.adaptDelta ?? adaptDelta
        r.maxDepth = other.maxDepth ?? maxDepth
        r.initBuffer = other.initBuffer ?? initBuffer
        r.window = other.window ?? window
        r.termBuffer = other.termBuffer ?? termBuffer
        r.thin = other.thin ?? thin
        r.saveWarmup = other.saveWarmup ?? saveWarmup
        r.hierarchy = other.hierarchy ?? hierarchy
        r.covariates = other.covariates ?? covariates
        r.condition = other.condition ?? condition
        r.columns = other.columns ?? columns
        r.firstOption = other.firstOption ?? firstOption
        r.trialTable = other.trialTable ?? trialTable
        r.priors = Priors(mu: other.priors?.mu ?? priors?.mu, sigma: other.priors?.sigma ?? priors?.sigma,
                          gamma: other.priors?.gamma ?? priors?.gamma)
        return r
    }

    /// Pretty, key-sorted JSON.
    public var json: Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return (try? encoder.encode(self)).map { $0 + Data("\n".utf8) } ?? Data()
    }
}

/// A run file that cannot be used: `path:line:column: error: problem` and a fix.
public struct RunFileError: Error, CustomStringConvertible {
    public let path: String
    /// Where in the file, when known.
    public let position: (line: Int, column: Int)?
    public let problem: String

    public init(path: String, position: (line: Int, column: Int)? = nil, problem: String) {
        self.path = path
        self.position = position
        self.problem = problem
    }

    /// A run file whose keys include ones RLFit does not know (a typo would otherwise fall back
    /// to a default silently); the first is located.
    public static func unknownKeys(_ keys: [String], path: String) -> RunFileError {
        let data = FileManager.default.contents(atPath: path) ?? Data()
        let position = keys.first.flatMap {
            JSONTextLocation.valuePosition(keyPath: $0.split(separator: ".").map(String.init), in: data, atKey: true)
        }
        return RunFileError(path: path, position: position, problem: "unknown key\(keys.count > 1 ? "s" : "") \(keys.joined(separator: ", "))")
    }

    public var description: String {
        let place = position.map { "\(path):\($0.line):\($0.column)" } ?? path
        return problem == "cannot read the file"
            ? "\(place): error: cannot read the run file\n  fix: check the path given to --config"
            : "\(place): error: \(problem)\n  fix: keys are the long option names with _ for - (chain_ids, adapt_delta, ...); priors go in \"priors\": {\"mu\", \"sigma\", \"gamma\"}"
    }
}

extension FitOptions {
    /// Resolves a run file (defaults filled in) into options, or explains what is missing or
    /// out of range, naming the key.
    public init(runFile r: RunFile, commandLine: [String] = CommandLine.arguments) throws {
        func fail(_ message: String) -> Error { FitOptionsError(message: message) }
        guard let data = r.data else { throw fail("no data file: give DATA on the command line or \"data\" in the run file") }
        guard let modelName = r.model else { throw fail("no model: give --model or \"model\" (see `rlfit models`)") }
        let model: ModelDefinition
        do {
            model = try ModelCatalog.resolve(modelName, arguments: r.arguments ?? [:])
        } catch let error as ModelCatalog.UnknownModel {
            throw fail(error.message)
        } catch let error as UnknownModelArgument {
            throw fail(error.description)
        }
        guard let out = r.out else { throw fail("no output directory: give --out or \"out\"") }
        let chains = r.chains ?? 4
        guard chains >= 1 else { throw fail("chains must be at least 1") }
        let ids = r.chainIDs ?? Array(1...chains)
        guard !ids.isEmpty, ids.allSatisfy({ $0 >= 1 }), Set(ids).count == ids.count else {
            throw fail("chain ids must be distinct positive integers, got \(ids)")
        }
        let warmup = r.warmup ?? 1000, draws = r.draws ?? 1000
        guard warmup >= 0 else { throw fail("warmup must be ≥ 0") }
        guard draws >= 1 else { throw fail("draws must be ≥ 1") }
        guard let metric = MetricKind(rawValue: r.metric ?? "dense") else { throw fail("metric must be dense or diag, got '\(r.metric!)'") }
        guard let covariance = CovarianceEstimator(rawValue: r.covariance ?? "shrinkage") else {
            throw fail("covariance must be shrinkage, automatic or stan, got '\(r.covariance!)'")
        }
        let adaptDelta = r.adaptDelta ?? 0.8
        guard adaptDelta > 0 && adaptDelta < 1 else { throw fail("adapt delta must be in (0, 1), got \(adaptDelta)") }
        let maxDepth = r.maxDepth ?? 10
        guard (1...20).contains(maxDepth) else { throw fail("max depth must be in 1...20, got \(maxDepth)") }
        let thin = r.thin ?? 1
        guard thin >= 1 else { throw fail("thin must be at least 1") }
        guard let hierarchy = HierarchyMode(rawValue: r.hierarchy ?? model.file.hierarchy ?? "partial") else {
            throw fail("hierarchy must be partial, none or pooled, got '\(r.hierarchy!)'")
        }
        let covariates = r.covariates ?? []
        guard covariates.isEmpty || hierarchy == .partial else {
            throw fail("covariates enter the group level: use --hierarchy partial (got \(hierarchy.rawValue))")
        }
        guard Set(covariates).count == covariates.count else { throw fail("a covariate is listed twice: \(covariates)") }
        let priors = HierarchyPriors(muScale: r.priors?.mu ?? 1, sigmaScale: r.priors?.sigma, gammaScale: r.priors?.gamma ?? 1)
        for (name, v) in [("mu", priors.muScale), ("sigma", priors.sigmaScale ?? 1), ("gamma", priors.gammaScale)] where !(v > 0 && v.isFinite) {
            throw fail("prior scale \(name) must be positive, got \(v)")
        }
        let initBuffer = r.initBuffer ?? FitOptions.defaultInitBuffer, window = r.window ?? FitOptions.defaultWindow
        let termBuffer = r.termBuffer ?? FitOptions.defaultTermBuffer
        guard initBuffer >= 0, termBuffer >= 0, window >= 1 else { throw fail("init buffer and term buffer must be ≥ 0, window ≥ 1") }
        self.init(model: model, dataPath: data, outputDirectory: out, chainIDs: ids, warmup: warmup, draws: draws,
                  seed: r.seed ?? UInt64.random(in: 1...UInt64(UInt32.max)), metric: metric, covariance: covariance,
                  adaptDelta: adaptDelta, maxDepth: maxDepth, thin: thin, saveWarmup: r.saveWarmup ?? false,
                  priors: priors, commandLine: commandLine)
        self.initBuffer = initBuffer
        self.window = window
        self.termBuffer = termBuffer
        self.hierarchy = hierarchy
        self.covariates = covariates
        self.condition = r.condition
        self.columnNames = r.columns ?? [:]
        self.firstOption = r.firstOption ?? 1
        self.trialTable = r.trialTable
        guard firstOption == 0 || firstOption == 1 else { throw fail("first option must be 0 or 1, got \(firstOption)") }
        let modelColumns = model.file.data.map(\.name)
        let knownColumns = Set((["subjid", "block", "trial"] + modelColumns).map(TrialTableReader.normalize))
        for key in columnNames.keys where !knownColumns.contains(TrialTableReader.normalize(key)) {
            throw fail("--columns maps '\(key)', which \(model.name) does not read (it reads subjID, \(modelColumns.joined(separator: ", ")), block, trial)")
        }
    }

    /// The resolved options as a run file (what `run.json` in the fit directory holds).
    public var runFile: RunFile {
        var r = RunFile()
        r.data = dataPath
        switch model.origin {
        case .builtIn: r.model = model.name
        case let .file(path): r.model = path
        }
        r.arguments = model.argumentOverrides.isEmpty ? nil : model.argumentOverrides
        r.out = outputDirectory
        r.chainIDs = chainIDs
        r.warmup = warmup
        r.draws = draws
        r.seed = seed
        r.metric = metric.rawValue
        r.covariance = covariance.rawValue
        r.adaptDelta = adaptDelta
        r.maxDepth = maxDepth
        r.initBuffer = initBuffer
        r.window = window
        r.termBuffer = termBuffer
        r.thin = thin
        r.saveWarmup = saveWarmup
        r.hierarchy = hierarchy.rawValue
        r.covariates = covariates
        r.priors = RunFile.Priors(mu: priors.muScale, sigma: priors.sigmaScale, gamma: priors.gammaScale)
        r.condition = condition
        r.columns = columnNames.isEmpty ? nil : columnNames
        r.firstOption = firstOption
        r.trialTable = trialTable
        return r
    }
}

public struct FitOptionsError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { "error: \(message)" }
}
