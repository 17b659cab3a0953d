import ArgumentParser
import Dispatch
import Foundation
import RLFit
import RLModels
import Sampling

struct FitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Fit a hierarchical model to a study with NUTS; write Stan CSV chains and summaries to --out.",
        discussion: """
            Writes DIR/chain-<c>.csv (Stan CSV, read by arviz.from_cmdstan and cmdstanpy), \
            summary.csv, subjects.csv and fit.json, and prints a report. Exit 0 on a finished fit \
            (warnings included), 65 bad data, 64 bad usage, 130 when interrupted (files are kept \
            and marked incomplete).
            """)

    @Argument(help: "hBayesDM-format trial table (TSV or CSV).") var data: String
    @OptionGroup var model: ModelOption
    @Option(help: "Number of chains (ids 1...N).") var chains: Int = 4
    @Option(help: "Warmup iterations per chain.") var warmup: Int = 1000
    @Option(help: "Kept draws per chain.") var draws: Int = 1000
    @Option(help: "Random seed (default: drawn at random and recorded in fit.json).") var seed: UInt64?
    @Option(name: .customLong("chain-ids"), help: "Run only these chains, e.g. 1,3 (same draws as in a full run).")
    var chainIDs: String?
    @Option(help: "Metric: dense or diag.") var metric: String = "dense"
    @Option(help: ArgumentHelp("Dense metric estimator: shrinkage (default), automatic or stan.", visibility: .hidden))
    var covariance: String = "shrinkage"
    @Option(name: .customLong("adapt-delta"), help: "Target acceptance statistic in (0, 1).") var adaptDelta: Double = 0.8
    @Option(name: .customLong("max-depth"), help: "Maximum tree depth.") var maxDepth: Int = 10
    @Option(name: .customLong("init-buffer"), help: "Warmup: initial fast adaptation buffer (Stan's init_buffer).") var initBuffer: Int = 75
    @Option(help: "Warmup: first slow adaptation window, doubling after (Stan's window).") var window: Int = 25
    @Option(name: .customLong("term-buffer"), help: "Warmup: terminal fast adaptation buffer (Stan's term_buffer).") var termBuffer: Int = 50
    @Option(help: "Threads for chains (default: one per core).") var threads: Int?
    @Flag(name: .customLong("save-warmup"), help: "Also write the warmup iterations (before '# Adaptation terminated').")
    var saveWarmup = false
    @Option(help: "Keep every N-th draw.") var thin: Int = 1
    @Flag(help: "Print no progress.") var quiet = false
    @Option(help: "Output directory.") var out: String

    var parsedChainIDs: [Int] {
        if let chainIDs { return chainIDs.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) } }
        return Array(1...max(chains, 1))
    }

    func validate() throws {
        guard chains >= 1 else { throw ValidationError("--chains must be at least 1") }
        if let chainIDs {
            let parts = chainIDs.split(separator: ",", omittingEmptySubsequences: false)
            let ids = parts.compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !parts.isEmpty, ids.count == parts.count, ids.allSatisfy({ $0 >= 1 }) else {
                throw ValidationError("--chain-ids takes positive integers separated by commas, e.g. 1,3; got '\(chainIDs)'")
            }
            guard Set(ids).count == ids.count else { throw ValidationError("--chain-ids has a repeated id: '\(chainIDs)'") }
        }
        guard warmup >= 0 else { throw ValidationError("--warmup must be ≥ 0") }
        guard draws >= 1 else { throw ValidationError("--draws must be ≥ 1") }
        guard MetricKind(rawValue: metric) != nil else { throw ValidationError("--metric must be dense or diag, got '\(metric)'") }
        guard CovarianceEstimator(rawValue: covariance) != nil else { throw ValidationError("--covariance must be automatic, shrinkage or stan") }
        guard adaptDelta > 0 && adaptDelta < 1 else { throw ValidationError("--adapt-delta must be in (0, 1), got \(adaptDelta)") }
        guard (1...20).contains(maxDepth) else { throw ValidationError("--max-depth must be in 1...20, got \(maxDepth)") }
        guard initBuffer >= 0, termBuffer >= 0, window >= 1 else { throw ValidationError("--init-buffer and --term-buffer must be ≥ 0, --window ≥ 1") }
        guard thin >= 1 else { throw ValidationError("--thin must be at least 1") }
        if let threads { guard threads >= 1 else { throw ValidationError("--threads must be at least 1") } }
    }

    func run() throws {
        let ids = parsedChainIDs
        let resolvedSeed = seed ?? UInt64.random(in: 1...UInt64(UInt32.max))
        var options = FitOptions(
            model: model.definition, dataPath: data, outputDirectory: out, chainIDs: ids, warmup: warmup, draws: draws,
            seed: resolvedSeed, metric: MetricKind(rawValue: metric)!, covariance: CovarianceEstimator(rawValue: covariance)!,
            adaptDelta: adaptDelta, maxDepth: maxDepth, thin: thin, saveWarmup: saveWarmup,
            threads: threads ?? min(ProcessInfo.processInfo.activeProcessorCount, ids.count))
        options.initBuffer = initBuffer
        options.window = window
        options.termBuffer = termBuffer
        let display = ProgressDisplay(chainIDs: ids, warmup: warmup, draws: draws, mode: ProgressDisplay.automaticMode(quiet: quiet))
        let cancellation = CancellationToken()
        let interrupt = InterruptHandler { cancellation.cancel() }
        if seed == nil && !quiet { printError("seed \(resolvedSeed) (pass --seed to choose one)") }
        let outcome = try reportingDataErrors {
            try FitRunner(options: options).run(
                progress: { p in
                    display.update(chain: p.chainID, iteration: p.iteration,
                                   divergences: p.samplingDivergences, warmupDivergences: p.warmupDivergences)
                },
                cancellation: cancellation)
        }
        display.finish()
        interrupt.stop()
        for w in outcome.dataWarnings { printError("warning: " + w) }
        print(outcome.report.text)
        print("\nfiles: " + outcome.files.map { ($0 as NSString).lastPathComponent }.joined(separator: ", ") + " in \(out)")
        if !outcome.complete {
            printError("interrupted: the chain files are kept as chain-<c>.csv.incomplete and fit.json says \"complete\": false")
            throw ExitCode(130)
        }
    }
}

/// Ctrl-C (SIGINT) or SIGTERM → `action` once, instead of killing the process, so the chains
/// stop cleanly and their files are written (marked incomplete).
final class InterruptHandler: @unchecked Sendable {
    private var sources: [DispatchSourceSignal] = []

    init(action: @escaping @Sendable () -> Void) {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler(handler: action)
            source.resume()
            sources.append(source)
        }
    }

    func stop() {
        for s in sources { s.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
