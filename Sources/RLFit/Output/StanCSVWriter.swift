import Foundation

/// One chain's draws and adaptation, ready to be written in Stan CSV.
public struct ChainRecord: Sendable {
    /// Chain id (1-based, as `--chain-ids` and CmdStan's `id`).
    public var id: Int
    public var seed: UInt64
    /// Column names after the 7 sampler columns.
    public var columnNames: [String]
    /// Row-major table, one row per saved draw (warmup rows first when saved): the 7 sampler
    /// columns then the quantities.
    public var table: [Double]
    public var warmupRowCount: Int
    public var stepSize: Double
    /// The adapted inverse metric: the diagonal (diag) or the full matrix, row-major (dense).
    public var inverseMetric: [Double]
    public var denseMetric: Bool
    public var warmupSeconds: Double
    public var samplingSeconds: Double
    /// False when the run was interrupted: the file says so and is not named like a finished one.
    public var complete: Bool

    /// 7 + columnNames.count.
    public var rowWidth: Int { 7 + columnNames.count }
    public var rowCount: Int { rowWidth == 0 ? 0 : table.count / rowWidth }
    /// Rows after warmup.
    public var drawCount: Int { rowCount - warmupRowCount }

    /// The values of column `k` (0-based, sampler columns first) over the post-warmup draws.
    public func column(_ k: Int) -> [Double] {
        (warmupRowCount..<rowCount).map { table[$0 * rowWidth + k] }
    }

    /// The post-warmup rows as one row-major table.
    public var drawTable: ArraySlice<Double> { table[(warmupRowCount * rowWidth)...] }

    public init(id: Int, seed: UInt64, columnNames: [String], table: [Double], warmupRowCount: Int, stepSize: Double,
                inverseMetric: [Double], denseMetric: Bool, warmupSeconds: Double, samplingSeconds: Double, complete: Bool) {
        self.id = id
        self.seed = seed
        self.columnNames = columnNames
        self.table = table
        self.warmupRowCount = warmupRowCount
        self.stepSize = stepSize
        self.inverseMetric = inverseMetric
        self.denseMetric = denseMetric
        self.warmupSeconds = warmupSeconds
        self.samplingSeconds = samplingSeconds
        self.complete = complete
    }
}

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
    public var initRadius: Double
    public var rlfitVersion: String
    /// The warmup windows (`adapt init_buffer`, `window`, `term_buffer`).
    public var initBuffer: Int
    public var window: Int
    public var termBuffer: Int

    public init(model: String, dataFile: String, numSamples: Int, numWarmup: Int, saveWarmup: Bool, thin: Int,
                adaptDelta: Double, maxDepth: Int, initRadius: Double, rlfitVersion: String,
                initBuffer: Int, window: Int, termBuffer: Int) {
        self.model = model
        self.dataFile = dataFile
        self.numSamples = numSamples
        self.numWarmup = numWarmup
        self.saveWarmup = saveWarmup
        self.thin = thin
        self.adaptDelta = adaptDelta
        self.maxDepth = maxDepth
        self.initRadius = initRadius
        self.rlfitVersion = rlfitVersion
        self.initBuffer = initBuffer
        self.window = window
        self.termBuffer = termBuffer
    }
}

/// Writes Stan CSV as CmdStan does (its `#` configuration block, the header, the draws, the
/// `# Adaptation terminated` block with step size and inverse metric, and the elapsed-time
/// block), so `arviz.from_cmdstan` and `cmdstanpy.from_csv` read the files. Numbers carry
/// `significantDigits` significant digits (CmdStan's default output is 6).
public enum StanCSVWriter {
    public static let samplerColumns = ["lp__", "accept_stat__", "stepsize__", "treedepth__", "n_leapfrog__", "divergent__", "energy__"]

    public static func text(_ chain: ChainRecord, configuration c: StanCSVConfiguration, significantDigits: Int = 6) -> String {
        String(decoding: bytes(chain, configuration: c, significantDigits: significantDigits), as: UTF8.self)
    }

    /// The file's bytes.
    public static func bytes(_ chain: ChainRecord, configuration c: StanCSVConfiguration, significantDigits: Int = 6) -> [UInt8] {
        let formatter = DecimalFormatter(significantDigits: significantDigits)
        var bytes = [UInt8]()
        bytes.reserveCapacity(chain.table.count * 11 + 4096)
        var out = ""
        let metricName = chain.denseMetric ? "dense_e" : "diag_e"
        let lines = [
            "stan_version_major = 2",
            "stan_version_minor = 35",
            "stan_version_patch = 0",
            "model = \(c.model)",
            "start_datetime = \(ISO8601DateFormatter().string(from: Date()))",
            "method = sample (Default)",
            "  sample",
            "    num_samples = \(c.numSamples)",
            "    num_warmup = \(c.numWarmup)",
            "    save_warmup = \(c.saveWarmup ? 1 : 0)",
            "    thin = \(c.thin)",
            "    adapt",
            "      engaged = 1",
            "      gamma = 0.05",
            "      delta = \(c.adaptDelta)",
            "      kappa = 0.75",
            "      t0 = 10",
            "      init_buffer = \(c.initBuffer)",
            "      term_buffer = \(c.termBuffer)",
            "      window = \(c.window)",
            "      save_metric = 0",
            "    algorithm = hmc (Default)",
            "      hmc",
            "        engine = nuts (Default)",
            "          nuts",
            "            max_depth = \(c.maxDepth)",
            "        metric = \(metricName)",
            "        metric_file = ",
            "        stepsize = 1",
            "        stepsize_jitter = 0",
            "    num_chains = 1",
            "id = \(chain.id)",
            "data",
            "  file = \(c.dataFile)",
            "init = \(formatPlain(c.initRadius))",
            "random",
            "  seed = \(chain.seed)",
            "output",
            "  file = chain-\(chain.id).csv",
            "  diagnostic_file = ",
            "  refresh = 100",
            "  sig_figs = \(significantDigits)",
            "num_threads = 1",
            "rlfit_version = \(c.rlfitVersion)",
            "sampler = rlfit NUTS (multinomial, generalized U-turn, windowed adaptation as Stan)",
        ]
        for line in lines { out += "# " + line + "\n" }
        if !chain.complete { out += "# incomplete = 1 (the run was interrupted; these draws are not a finished chain)\n" }
        out += (samplerColumns + chain.columnNames).joined(separator: ",") + "\n"
        let width = chain.rowWidth
        func append(rows: Range<Int>) {
            bytes += Array(out.utf8)
            out = ""
            chain.table.withUnsafeBufferPointer { table in
                for r in rows {
                    for i in 0..<width {
                        if i > 0 { bytes.append(0x2C) }
                        formatter.append(table[r * width + i], to: &bytes)
                    }
                    bytes.append(0x0A)
                }
            }
        }
        append(rows: 0..<chain.warmupRowCount)
        out += "# Adaptation terminated\n"
        out += "# Step size = \(formatter.string(chain.stepSize))\n"
        if chain.denseMetric {
            out += "# Elements of inverse mass matrix:\n"
            let n = Int(Double(chain.inverseMetric.count).squareRoot().rounded())
            for i in 0..<n {
                out += "# " + (0..<n).map { formatter.string(chain.inverseMetric[i * n + $0]) }.joined(separator: ", ") + "\n"
            }
        } else {
            out += "# Diagonal elements of inverse mass matrix:\n"
            out += "# " + chain.inverseMetric.map { formatter.string($0) }.joined(separator: ", ") + "\n"
        }
        append(rows: chain.warmupRowCount..<chain.rowCount)
        out += "# \n"
        out += "#  Elapsed Time: \(formatSeconds(chain.warmupSeconds)) seconds (Warm-up)\n"
        out += "#                \(formatSeconds(chain.samplingSeconds)) seconds (Sampling)\n"
        out += "#                \(formatSeconds(chain.warmupSeconds + chain.samplingSeconds)) seconds (Total)\n"
        out += "# \n"
        bytes += Array(out.utf8)
        return bytes
    }

    static func formatSeconds(_ s: Double) -> String { String(format: "%.3f", s) }

    static func formatPlain(_ x: Double) -> String {
        x == x.rounded() ? String(Int(x)) : String(x)
    }
}
