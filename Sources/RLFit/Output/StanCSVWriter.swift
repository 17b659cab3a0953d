import Foundation

/// Writes Stan CSV as CmdStan does (its `#` configuration block, the header, the draws, the
/// `# Adaptation terminated` block with step size and inverse metric, and the elapsed-time
/// block), so `arviz.from_cmdstan` and `cmdstanpy.from_csv` read the files. Numbers carry
/// `significantDigits` significant digits (CmdStan's default output is 6).
public enum StanCSVWriter {

    public static func text(_ chain: ChainRecord, configuration c: StanCSVConfiguration, significantDigits: Int = 6)
        -> String
    {
        String(decoding: bytes(chain, configuration: c, significantDigits: significantDigits), as: UTF8.self)
    }

    /// The file's bytes: `header`, the warmup rows, `adaptation`, the sampling rows, `timing`
    /// and, for an interrupted chain, `incompleteMark` — the pieces a streamed chain
    /// file (`ChainFileStream`) writes as the chain runs.
    public static func bytes(_ chain: ChainRecord, configuration c: StanCSVConfiguration, significantDigits: Int = 6)
        -> [UInt8]
    {
        let formatter = DecimalFormatter(significantDigits: significantDigits)
        var bytes = [UInt8]()
        bytes.reserveCapacity(chain.table.count * 11 + 4096)
        bytes +=
            header(
                configuration: c, chainID: chain.id, seed: chain.seed, denseMetric: chain.denseMetric,
                columnNames: chain.columnNames, significantDigits: significantDigits
            ).utf8
        let width = chain.rowWidth
        chain.table.withUnsafeBufferPointer { table in
            for r in 0..<chain.rowCount {
                if r == chain.warmupRowCount {
                    bytes +=
                        adaptation(
                            stepSize: chain.stepSize, inverseMetric: chain.inverseMetric, dense: chain.denseMetric,
                            formatter: formatter
                        ).utf8
                }
                appendRow(
                    UnsafeBufferPointer(rebasing: table[(r * width)..<((r + 1) * width)]), formatter: formatter,
                    to: &bytes)
            }
        }
        if chain.rowCount == chain.warmupRowCount {
            bytes +=
                adaptation(
                    stepSize: chain.stepSize, inverseMetric: chain.inverseMetric, dense: chain.denseMetric,
                    formatter: formatter
                ).utf8
        }
        bytes +=
            (timing(warmupSeconds: chain.warmupSeconds, samplingSeconds: chain.samplingSeconds)
            + (chain.complete ? "" : incompleteMark)).utf8
        return bytes
    }

    /// CmdStan's configuration comments and the column header line.
    static func header(
        configuration c: StanCSVConfiguration, chainID: Int, seed: UInt64, denseMetric: Bool, columnNames: [String],
        significantDigits: Int
    ) -> String {
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
            "        metric = \(denseMetric ? "dense_e" : "diag_e")",
            "        metric_file = ",
            "        stepsize = 1",
            "        stepsize_jitter = 0",
            "    num_chains = 1",
            "id = \(chainID)",
            "data",
            "  file = \(c.dataFile)",
            "init = \(c.initialization)",
            "random",
            "  seed = \(seed)",
            "output",
            "  file = chain-\(chainID).csv",
            "  diagnostic_file = ",
            "  refresh = 100",
            "  sig_figs = \(significantDigits)",
            "num_threads = 1",
            "rlfit_version = \(c.rlfitVersion)",
            "sampler = rlfit NUTS (multinomial, generalized U-turn, windowed adaptation as Stan)"
        ]
        return lines.map { "# " + $0 + "\n" }.joined()
            + (ChainRecord.samplerColumnNames + columnNames).joined(separator: ",") + "\n"
    }

    /// One draw's line: the values, comma-separated, and a newline.
    static func appendRow(_ values: UnsafeBufferPointer<Double>, formatter: DecimalFormatter, to bytes: inout [UInt8]) {
        for i in 0..<values.count {
            if i > 0 { bytes.append(0x2C) }
            formatter.append(values[i], to: &bytes)
        }
        bytes.append(0x0A)
    }

    /// The `# Adaptation terminated` block: the step size and M⁻¹ (the diagonal, or the full
    /// matrix row by row from `inverseMetric` row-major).
    static func adaptation(stepSize: Double, inverseMetric: [Double], dense: Bool, formatter: DecimalFormatter)
        -> String
    {
        var out = "# Adaptation terminated\n# Step size = \(formatter.string(stepSize))\n"
        if dense {
            out += "# Elements of inverse mass matrix:\n"
            let n = Int(Double(inverseMetric.count).squareRoot().rounded())
            for i in 0..<n {
                out += "# " + (0..<n).map { formatter.string(inverseMetric[i * n + $0]) }.joined(separator: ", ") + "\n"
            }
        } else {
            out += "# Diagonal elements of inverse mass matrix:\n"
            out += "# " + inverseMetric.map { formatter.string($0) }.joined(separator: ", ") + "\n"
        }
        return out
    }

    /// CmdStan's closing block: the seconds of each phase.
    static func timing(warmupSeconds: Double, samplingSeconds: Double) -> String {
        "# \n"
            + "#  Elapsed Time: \(formatSeconds(warmupSeconds)) seconds (Warm-up)\n"
            + "#                \(formatSeconds(samplingSeconds)) seconds (Sampling)\n"
            + "#                \(formatSeconds(warmupSeconds + samplingSeconds)) seconds (Total)\n"
            + "# \n"
    }

    /// The last line of an interrupted chain's file (read back as `complete == false`).
    static let incompleteMark = "# incomplete = 1 (the run was interrupted; these draws are not a finished chain)\n"

    static func formatSeconds(_ s: Double) -> String { String(format: "%.3f", s) }

    static func formatPlain(_ x: Double) -> String {
        x == x.rounded() ? String(Int(x)) : String(x)
    }
}
