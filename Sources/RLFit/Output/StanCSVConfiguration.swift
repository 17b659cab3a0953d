/// The run configuration echoed into every chain file's `#` comments.
public struct StanCSVConfiguration: Sendable {
    public var model: String
    public var dataFile: String
    public var numSamples: Int
    public var numWarmup: Int
    public var saveWarmup: Bool
    public var thin: Int
    public var adaptDelta: Double
    public var maxDepth: Int
    /// CmdStan's `init`: the radius of random starts (2), or `optimize` (`--init optimize`).
    public var initialization: String
    public var rlfitVersion: String
    /// The warmup windows (`adapt init_buffer`, `window`, `term_buffer`).
    public var initBuffer: Int
    public var window: Int
    public var termBuffer: Int

    public init(
        model: String, dataFile: String, numSamples: Int, numWarmup: Int, saveWarmup: Bool, thin: Int,
        adaptDelta: Double, maxDepth: Int, initialization: String, rlfitVersion: String,
        initBuffer: Int, window: Int, termBuffer: Int
    ) {
        self.model = model
        self.dataFile = dataFile
        self.numSamples = numSamples
        self.numWarmup = numWarmup
        self.saveWarmup = saveWarmup
        self.thin = thin
        self.adaptDelta = adaptDelta
        self.maxDepth = maxDepth
        self.initialization = initialization
        self.rlfitVersion = rlfitVersion
        self.initBuffer = initBuffer
        self.window = window
        self.termBuffer = termBuffer
    }
}
