import ArgumentParser
import Dispatch
import Foundation
import RLFit
import ModelLanguage
import RLModels
import Sampling

struct FitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Fit a hierarchical model to a study with NUTS; write Stan CSV chains and summaries to --out.",
        discussion: """
            Writes DIR/chain-<c>.csv (Stan CSV, read by arviz.from_cmdstan and cmdstanpy), \
            summary.csv, subjects.csv, fit.json and run.json (the resolved options: \
            `rlfit fit --config DIR/run.json` reproduces the fit), and prints a report. Options \
            given on the command line override the run file. Exit 0 on a finished fit \
            (warnings included), 65 bad data or a model file with a mistake, 66 an unreadable \
            input, 64 bad usage (or a fit needing more memory than the machine has), 73 an output \
            that cannot be written, a --out directory another run is using, or too little disk, \
            130 when interrupted by Ctrl-C and 143 by SIGTERM (files are kept and marked \
            incomplete; `rlfit fit --resume DIR` goes on from the checkpoints).
            """)

    @Argument(help: "hBayesDM-format trial table (TSV or CSV).") var data: String?
    @Option(help: "A built-in model (see `rlfit models`) or a model file, e.g. my_model.rlm.") var model: String?
    @Option(name: .customLong("arg"), help: "Set a model argument, NAME=VALUE (repeatable).") var arguments: [String] = []
    @Option(help: "Run file (JSON) with any of these options; command-line options override it.") var config: String?
    @Option(help: "Number of chains (ids 1...N); default 4.") var chains: Int?
    @Option(help: "Warmup iterations per chain; default 1000.") var warmup: Int?
    @Option(help: "Kept draws per chain; default 1000.") var draws: Int?
    @Option(help: "Random seed (default: drawn at random and recorded in fit.json and run.json).") var seed: UInt64?
    @Option(name: .customLong("chain-ids"), help: "Run only these chains, e.g. 1,3 (same draws as in a full run).")
    var chainIDs: String?
    @Option(help: "Metric: dense (default) or diag.") var metric: String?
    @Option(help: ArgumentHelp("Dense metric estimator: shrinkage (default), automatic or stan.", visibility: .hidden))
    var covariance: String?
    @Option(name: .customLong("adapt-delta"), help: "Target acceptance statistic in (0, 1); default 0.8.") var adaptDelta: Double?
    @Option(name: .customLong("max-depth"), help: "Maximum tree depth; default 10.") var maxDepth: Int?
    @Option(name: .customLong("init-buffer"), help: "Warmup: initial fast adaptation buffer; default 15 (Stan's init_buffer is 75).") var initBuffer: Int?
    @Option(help: "Warmup: first slow adaptation window, doubling after; default 15 (Stan's window is 25).") var window: Int?
    @Option(name: .customLong("term-buffer"), help: "Warmup: terminal fast adaptation buffer (Stan's term_buffer, 50).") var termBuffer: Int?
    @Flag(name: .customLong("save-warmup"), help: "Also write the warmup iterations (before '# Adaptation terminated').")
    var saveWarmup = false
    @Option(help: "Keep every N-th draw; default 1.") var thin: Int?
    @Option(help: "Hierarchy: partial (default, hBayesDM's), none (independent subjects), pooled (one parameter set).")
    var hierarchy: String?
    @Option(help: "Subject covariates from the data, e.g. age,group (constant within subject; standardized).")
    var covariates: String?
    @Option(name: .customLong("prior-mu"), help: "Sd of the normal prior on group locations mu_pr (and on parameters without a hierarchy); default 1.")
    var priorMu: Double?
    @Option(name: .customLong("prior-sigma"), help: "Scale of the prior on group scales sigma (half-normal; half-Cauchy where the model uses it); default: the model's (0.2).")
    var priorSigma: Double?
    @Option(name: .customLong("prior-gamma"), help: "Sd of the normal prior on covariate effects; default 1.")
    var priorGamma: Double?
    @OptionGroup var reading: DataReadingOptions
    @Option(help: "Threads for chains (default: one per core).") var threads: Int?
    @Flag(help: "Replace a fit already in --out (otherwise refused).") var overwrite = false
    @Flag(help: "Print no progress.") var quiet = false
    @Option(help: "Output directory.") var out: String?
    @Option(help: ArgumentHelp("Continue the interrupted fit in DIR from its checkpoints (its options come from DIR/run.json; give no other fit options).",
                               valueName: "DIR"))
    var resume: String?
    @Option(name: .customLong("checkpoint-every"),
            help: "Seconds between checkpoints: each chain's file is flushed and its state saved, so a kill loses at most this much; default 5.")
    var checkpointEvery: Double?

    /// The command line's options as a run file (only what was given).
    func commandLineRunFile() throws -> RunFile {
        var r = RunFile()
        r.data = data
        r.model = model
        if !arguments.isEmpty { r.arguments = try ModelOption.argumentValues(arguments) }
        r.out = out
        r.chains = chains
        if let chainIDs {
            let parts = chainIDs.split(separator: ",", omittingEmptySubsequences: false)
            let ids = parts.compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !parts.isEmpty, ids.count == parts.count else {
                throw ValidationError("--chain-ids takes positive integers separated by commas, e.g. 1,3; got '\(chainIDs)'")
            }
            r.chainIDs = ids
        }
        r.warmup = warmup
        r.draws = draws
        r.seed = seed
        r.metric = metric
        r.covariance = covariance
        r.adaptDelta = adaptDelta
        r.maxDepth = maxDepth
        r.initBuffer = initBuffer
        r.window = window
        r.termBuffer = termBuffer
        r.thin = thin
        r.saveWarmup = saveWarmup ? true : nil
        r.hierarchy = hierarchy
        r.covariates = covariates.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        r.condition = reading.condition
        r.columns = try reading.columnMap()
        r.firstOption = reading.firstOption
        r.trialTable = reading.trialTable
        if priorMu != nil || priorSigma != nil || priorGamma != nil {
            r.priors = RunFile.Priors(mu: priorMu, sigma: priorSigma, gamma: priorGamma)
        }
        return r
    }

    func resolvedOptions() throws -> FitOptions {
        if let resume {
            guard config == nil, try commandLineRunFile() == RunFile(), !overwrite else {
                throw ValidationError("--resume DIR takes the fit's options from DIR/run.json: give no data, model or other fit options with it (only --threads, --quiet, --checkpoint-every)")
            }
            guard FileManager.default.fileExists(atPath: (resume as NSString).appendingPathComponent("run.json")) else {
                throw FitReplayError(message: "\(resume): no fit to resume (no run.json: the fit was stopped before it began, or this is not a fit's --out directory); run the fit command again")
            }
            var options = try FitOptions.ofFit(in: resume)
            options.outputDirectory = resume
            options.threads = threads ?? min(ProcessInfo.processInfo.activeProcessorCount, options.chainIDs.count)
            return options
        }
        var file = RunFile()
        if let config {
            file = try RunFile.read(path: config)
            let unknown = RunFile.unknownKeys(path: config)
            guard unknown.isEmpty else {
                throw ValidationError("\(RunFileError.unknownKeys(unknown, path: config))")
            }
        }
        let merged = file.overridden(by: try commandLineRunFile())
        var options = try FitOptions(runFile: merged)
        options.threads = threads ?? min(ProcessInfo.processInfo.activeProcessorCount, options.chainIDs.count)
        options.overwrite = overwrite
        return options
    }

    func validate() throws {
        if let threads { guard threads >= 1 else { throw ValidationError("--threads must be at least 1") } }
        if let checkpointEvery {
            guard checkpointEvery >= 0, checkpointEvery.isFinite else { throw ValidationError("--checkpoint-every takes seconds ≥ 0, e.g. 5") }
        }
        do {
            _ = try resolvedOptions()
        } catch let e as FitOptionsError {
            throw ValidationError(e.message)
        } catch let e as RunFileError {
            throw ValidationError(e.description)
        } catch is ModelFileError, is FitReplayError {
            // Reported with its location (exit 65), or as a missing fit (66), when the command runs.
        }
    }

    func run() throws {
        // A resume of a fit that has finished (a job requeued after it ended) has nothing to do.
        if let resume, let manifest = FitDirectory.manifest(resume), manifest["complete"] as? Bool == true {
            FitDirectory.removeCheckpoints(resume)  // left if the run was killed just after fit.json
            print("\(resume): the fit has finished; nothing to resume (`rlfit summary \(resume)` reads it)")
            return
        }
        let options = try reportingInputErrors { try resolvedOptions() }
        let ids = options.chainIDs
        let display = ProgressDisplay(chainIDs: ids, warmup: options.warmup, draws: options.draws,
                                      mode: ProgressDisplay.automaticMode(quiet: quiet))
        let cancellation = CancellationToken()
        let interrupt = InterruptHandler { cancellation.cancel() }
        let outcome = try reportingInputErrors {
            try FitRunner(options: options).run(
                progress: { p in
                    display.update(chain: p.chainID, iteration: p.iteration,
                                   divergences: p.samplingDivergences, warmupDivergences: p.warmupDivergences)
                },
                cancellation: cancellation, resume: resume != nil, checkpointSeconds: checkpointEvery ?? 5)
        }
        display.finish()
        interrupt.stop()
        if !outcome.resumedChains.isEmpty || !outcome.finishedBeforeChains.isEmpty {
            var said: [String] = []
            if !outcome.finishedBeforeChains.isEmpty { said.append("chains \(outcome.finishedBeforeChains.map(String.init).joined(separator: ", ")) had finished") }
            if !outcome.resumedChains.isEmpty { said.append("chains \(outcome.resumedChains.map(String.init).joined(separator: ", ")) went on from their checkpoints") }
            print("resumed: " + said.joined(separator: "; "))
        }
        print(outcome.report.text)
        print("\nfiles: " + outcome.files.map { ($0 as NSString).lastPathComponent }.joined(separator: ", ") + " in \(options.outputDirectory)")
        if !outcome.complete {
            printError("interrupted: the chain files are kept as chain-<c>.csv.incomplete with their checkpoints, and fit.json says \"complete\": false; `rlfit fit --resume \(options.outputDirectory)` goes on from the checkpoints")
            throw ExitCode(128 + (interrupt.received ?? SIGINT))
        }
    }
}

/// Ctrl-C (SIGINT) or SIGTERM (what SLURM and `kill` send before a kill) → `action` once,
/// instead of killing the process, so the chains stop cleanly and their files are written
/// (marked incomplete); the exit code is then 128 + the signal (130 for SIGINT, 143 for
/// SIGTERM), as a shell reports a process the signal ended.
final class InterruptHandler: @unchecked Sendable {
    private var sources: [DispatchSourceSignal] = []
    private let lock = NSLock()
    private var first: Int32?

    /// The first signal that arrived, if any.
    var received: Int32? { lock.lock(); defer { lock.unlock() }; return first }

    init(action: @escaping @Sendable () -> Void) {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [unowned self] in
                self.lock.lock()
                if self.first == nil { self.first = sig }
                self.lock.unlock()
                action()
            }
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
