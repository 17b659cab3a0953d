import Foundation
import RLModels
import Sampling

/// Everything `rlfit fit` needs, resolved (defaults filled in), as recorded in `fit.json`.
public struct FitOptions: Sendable {
    public var model: ModelDefinition
    public var dataPath: String
    public var outputDirectory: String
    /// The most chains one fit runs (each is a file, a checkpoint and a share of the threads;
    /// a fit of 100,000 chains would write 200,000 files and take minutes to stop).
    public static let maximumChains = 1000
    /// Chain ids to run (1-based); `--chains N` means 1...N, `--chain-ids` picks some.
    public var chainIDs: [Int]
    public var warmup: Int
    public var draws: Int
    public var seed: UInt64
    public var metric: MetricKind
    /// How the dense metric is estimated per window (see `CovarianceEstimator`).
    public var covariance: CovarianceEstimator
    public var adaptDelta: Double
    /// The warmup windows: initial fast buffer, first slow window (doubling after), terminal
    /// fast buffer. Defaults 15 / 15 / 50 rather than Stan's 75 / 25 / 50: the first dense
    /// metric arrives at iteration 30 instead of 100, and the unit-metric iterations before it
    /// cost a third of all gradients on these hierarchical posteriors (trees of 100–1000
    /// leapfrogs). On the benchmark studies (S20, S100, S100 unequal; 3 seeds each) this takes
    /// 11–21% fewer gradients for the same bulk ESS and R-hat; `--init-buffer 75 --window 25`
    /// restores Stan's.
    public static let defaultInitBuffer = 15, defaultWindow = 15, defaultTermBuffer = 50
    public var initBuffer: Int = FitOptions.defaultInitBuffer
    public var window: Int = FitOptions.defaultWindow
    public var termBuffer: Int = FitOptions.defaultTermBuffer
    /// Whether the metric was left to its default (no `--metric`): then a model with more than
    /// `largestDenseDimension` parameters gets a diagonal one (`FitRunner`).
    public var metricIsDefault = false
    /// Above this many parameters a dense metric costs more than it gains: d² per leapfrog step
    /// and 3·d² doubles (Σ, its Cholesky factor, the window's estimate), against a gradient that
    /// grows only with the data; measured on bandit2arm_delta (README, under `rlfit fit`: dense vs
    /// diag at 504, 1004 and 2004 parameters).
    public static let largestDenseDimension = 1000

    /// Applies the rule above for a model of `dimension` parameters: a default dense metric
    /// becomes diagonal beyond `largestDenseDimension`. Returns the note for the report's title
    /// when it did (nil otherwise). Fits and grid plans (their memory estimates) both use it.
    public mutating func chooseMetric(dimension: Int) -> String? {
        guard metricIsDefault && metric == .dense && dimension > FitOptions.largestDenseDimension else { return nil }
        metric = .diag
        return " (chosen for \(dimension) parameters; --metric dense forces a dense one)"
    }
    /// Where chains start: `.random` (Stan's uniform(−2, 2) on the unconstrained scale) or
    /// `.optimize` (`InitialOptimizations`: every chain in the highest mode that
    /// `initOptimizations` L-BFGS runs find).
    public enum Initialization: String, Sendable { case random, optimize }
    public var initialization: Initialization = .random
    public var initOptimizations: Int = InitialOptimizations.defaultCount
    public var maxDepth: Int
    public var thin: Int
    public var saveWarmup: Bool
    /// Threads for chains (default: one per core, at most one per chain).
    public var threads: Int
    /// Significant digits in the chain files (CmdStan's default is 6).
    public var significantDigits: Int
    public var priors: HierarchyPriors
    /// How subjects share information.
    public var hierarchy: HierarchyMode = .partial
    /// Subject-level covariates (data columns) entering every parameter's group location.
    public var covariates: [String] = []
    /// Replace a fit already in the output directory (otherwise that is refused).
    public var overwrite = false
    /// How the data file is read: a condition column (separate values per condition), the file's
    /// names for the model's columns, and the number of the first option (1 or 0).
    public var condition: String? = nil
    public var columnNames: [String: String] = [:]
    public var firstOption: Int = 1
    /// A file of columns joined to every subject's trials by position (`--trial-table`).
    public var trialTable: String? = nil

    /// What the reader must find in the data file for these options.
    public var dataRequirements: DataRequirements {
        model.data.reading(
            covariates: covariates, condition: condition, columnNames: columnNames, firstOption: firstOption,
            trialTable: trialTable)
    }
    /// The command line as typed, for `fit.json`.
    public var commandLine: [String]

    public init(
        model: ModelDefinition, dataPath: String, outputDirectory: String, chainIDs: [Int] = [1, 2, 3, 4],
        warmup: Int = 1000, draws: Int = 1000, seed: UInt64 = 1, metric: MetricKind = .dense,
        covariance: CovarianceEstimator = .shrinkage, adaptDelta: Double = 0.8, maxDepth: Int = 10, thin: Int = 1,
        saveWarmup: Bool = false,
        threads: Int = ProcessInfo.processInfo.activeProcessorCount, significantDigits: Int = 6,
        priors: HierarchyPriors = HierarchyPriors(), commandLine: [String] = CommandLine.arguments
    ) {
        self.model = model
        self.dataPath = dataPath
        self.outputDirectory = outputDirectory
        self.chainIDs = chainIDs
        self.warmup = warmup
        self.draws = draws
        self.seed = seed
        self.metric = metric
        self.covariance = covariance
        self.adaptDelta = adaptDelta
        self.maxDepth = maxDepth
        self.thin = thin
        self.saveWarmup = saveWarmup
        self.threads = threads
        self.significantDigits = significantDigits
        self.priors = priors
        self.commandLine = commandLine
    }

    var samplerConfiguration: SamplerConfiguration {
        SamplerConfiguration(
            warmup: warmup, draws: draws, maxDepth: maxDepth, adaptDelta: adaptDelta, metric: metric,
            covarianceEstimator: covariance, seed: seed, thin: thin, saveWarmup: saveWarmup,
            initBuffer: initBuffer, baseWindow: window, termBuffer: termBuffer)
    }

    /// The resolved options as JSON values (for `fit.json`).
    var json: [String: Any] {
        [
            "model": model.name,
            "model_file": {
                if case let .file(p) = model.origin { return p as Any }; return NSNull()
            }(),
            "arguments": Dictionary(uniqueKeysWithValues: zip(model.file.arguments.map(\.name), model.arguments)),
            "data": dataPath, "out": outputDirectory, "chain_ids": chainIDs,
            "warmup": warmup, "draws": draws, "seed": seed, "metric": metric.rawValue,
            "covariance": covariance.rawValue, "adapt_delta": adaptDelta,
            "max_depth": maxDepth, "init": initialization.rawValue, "init_optimizations": initOptimizations,
            "init_buffer": initBuffer, "window": window, "term_buffer": termBuffer, "thin": thin,
            "save_warmup": saveWarmup, "threads": threads,
            "sig_figs": significantDigits, "hierarchy": hierarchy.rawValue, "covariates": covariates,
            "condition": condition ?? NSNull(), "columns": columnNames, "first_option": firstOption,
            "trial_table": trialTable ?? NSNull(),
            "priors": [
                "mu": "normal(0, \(priors.muScale))",
                "sigma": model.parameters.map { "\($0.name): \(priors.scalePrior($0).description)" }
            ]
        ]
    }
}
