/// Everything that decides what a chain does. The defaults are Stan's (CmdStan 2.3x
/// `sample` defaults) except where a comment says otherwise.
public struct SamplerConfiguration: Sendable, Equatable {
    /// Warmup (adaptation) iterations. Default 1000.
    public var warmup: Int
    /// Kept iterations after warmup. Default 1000.
    public var draws: Int
    /// Maximum tree depth: at most 2^maxDepth − 1 leapfrog steps per iteration. Default 10.
    public var maxDepth: Int
    /// Target mean acceptance statistic δ of dual averaging. Default 0.8; raise toward 1 when
    /// there are divergences (hBayesDM uses 0.95).
    public var adaptDelta: Double
    /// Diagonal or dense metric. Default `.dense` (DESIGN §4: hierarchical RL posteriors have
    /// strong correlations between group and subject parameters).
    public var metric: MetricKind
    /// How a dense metric is estimated in each window (ignored for `.diag`). Default
    /// `.automatic` (sample covariance for windows of ≥ 2d draws, shrinkage for shorter ones),
    /// chosen on measured ESS per gradient (Tests/SamplingTests/MetricEstimatorBenchmark).
    public var covarianceEstimator: CovarianceEstimator
    /// The seed; chain c uses the Philox stream c of this seed, so it is reproducible alone.
    public var seed: UInt64
    /// Initial values are drawn uniformly in (−initRadius, initRadius) on the unconstrained
    /// scale. Default 2, as Stan. 0 starts every parameter at 0 (one attempt).
    public var initRadius: Double
    /// How many initial points are tried before giving up. Default 100, as Stan.
    public var initAttempts: Int
    /// Chain id → its starting point on the unconstrained scale (e.g. the optima of
    /// `rlfit fit --init optimize`); a chain not listed draws its own in (−initRadius,
    /// initRadius). Default none.
    public var initialPositions: [Int: [Double]] = [:]
    /// Keep every `thin`-th iteration (within each phase). Default 1.
    public var thin: Int
    /// Also return the (thinned) warmup iterations. Default false.
    public var saveWarmup: Bool
    /// Step size before the heuristic (and the fixed step size when warmup = 0). Default 1.
    public var initialStepSize: Double
    /// A trajectory diverges when H − H₀ exceeds this (NaN counts). Default 1000, as Stan.
    public var maxEnergyError: Double
    /// Warmup windows: initial fast buffer, first slow window, terminal fast buffer.
    public var initBuffer: Int
    public var baseWindow: Int
    public var termBuffer: Int
    /// Dual-averaging constants (Hoffman & Gelman 2014, Stan's defaults).
    public var dualAveraging: DualAveraging.Parameters

    public init(
        warmup: Int = 1000, draws: Int = 1000, maxDepth: Int = 10, adaptDelta: Double = 0.8,
        metric: MetricKind = .dense, covarianceEstimator: CovarianceEstimator = .automatic,
        seed: UInt64 = 1, initRadius: Double = 2, initAttempts: Int = 100, thin: Int = 1,
        saveWarmup: Bool = false, initialStepSize: Double = 1, maxEnergyError: Double = 1000,
        initBuffer: Int = 75, baseWindow: Int = 25, termBuffer: Int = 50,
        dualAveraging: DualAveraging.Parameters = .init()
    ) {
        self.warmup = warmup
        self.draws = draws
        self.maxDepth = maxDepth
        self.adaptDelta = adaptDelta
        self.metric = metric
        self.covarianceEstimator = covarianceEstimator
        self.seed = seed
        self.initRadius = initRadius
        self.initAttempts = initAttempts
        self.thin = thin
        self.saveWarmup = saveWarmup
        self.initialStepSize = initialStepSize
        self.maxEnergyError = maxEnergyError
        self.initBuffer = initBuffer
        self.baseWindow = baseWindow
        self.termBuffer = termBuffer
        self.dualAveraging = dualAveraging
    }

    /// The warmup schedule these settings give (a pure function of them).
    public var warmupSchedule: WarmupSchedule {
        WarmupSchedule(warmup: warmup, initBuffer: initBuffer, termBuffer: termBuffer, baseWindow: baseWindow)
    }

    /// Rejects settings that cannot run, naming the setting and the accepted range.
    public func validate() throws {
        func fail(_ message: String) throws -> Never { throw SamplingError.invalidConfiguration(message) }
        if warmup < 0 { try fail("warmup must be ≥ 0, got \(warmup)") }
        if draws < 0 { try fail("draws must be ≥ 0, got \(draws)") }
        if !(1...30).contains(maxDepth) { try fail("max depth must be in 1...30, got \(maxDepth)") }
        if !(adaptDelta > 0 && adaptDelta < 1) { try fail("adapt delta must be in (0, 1), got \(adaptDelta)") }
        if !(initRadius >= 0 && initRadius.isFinite) {
            try fail("init radius must be finite and ≥ 0, got \(initRadius)")
        }
        if initAttempts < 1 { try fail("init attempts must be ≥ 1, got \(initAttempts)") }
        if thin < 1 { try fail("thin must be ≥ 1, got \(thin)") }
        if !(initialStepSize > 0 && initialStepSize.isFinite) {
            try fail("initial step size must be finite and > 0, got \(initialStepSize)")
        }
        if !(maxEnergyError > 0) { try fail("max energy error must be > 0, got \(maxEnergyError)") }
        if initBuffer < 0 || termBuffer < 0 || baseWindow < 1 {
            try fail(
                "warmup buffers must be ≥ 0 and the base window ≥ 1, got init \(initBuffer), window \(baseWindow), term \(termBuffer)"
            )
        }
        let p = dualAveraging
        if !(p.gamma > 0 && p.kappa > 0 && p.kappa <= 1 && p.t0 >= 0) {
            try fail("dual averaging needs gamma > 0, kappa in (0, 1], t0 ≥ 0; got \(p)")
        }
    }
}
