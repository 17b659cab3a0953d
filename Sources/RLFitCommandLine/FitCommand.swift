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

            Fit options (also the keys of a run file and of a grid file's "options", with _ for -):
            \(FitOptionParser().help)
            """)

    /// DATA and every fit option (`FitOptionDeclaration`, listed in the discussion), read by
    /// `FitOptionParser`; ArgumentParser takes only the options below.
    @Argument(
        parsing: .allUnrecognized,
        help: ArgumentHelp(
            "DATA (an hBayesDM-format trial table) and the fit options listed below.",
            valueName: "DATA and fit options"))
    var fitArguments: [String] = []
    @Option(help: "Run file (JSON) with any of the fit options; command-line options override it.") var config: String?
    // Unconditional parsing: `--threads -3` is a value (then refused by validate()), not a
    // missing one.
    @Option(parsing: .unconditional, help: "Threads for chains (default: one per core).") var threads: Int?
    @Flag(help: "Replace a fit already in --out (otherwise refused).") var overwrite = false
    @Flag(help: "Print no progress.") var quiet = false
    @Option(
        help: ArgumentHelp(
            "Continue the interrupted fit in DIR from its checkpoints (its options come from DIR/run.json; give no other fit options).",
            valueName: "DIR"))
    var resume: String?
    @Option(
        name: .customLong("checkpoint-every"), parsing: .unconditional,
        help:
            "Seconds between checkpoints: each chain's file is flushed and its state saved, so a kill loses at most this much; default 5."
    )
    var checkpointEvery: Double?

    /// The command line's fit options as a run file (only what was given).
    func commandLineRunFile() throws -> RunFile {
        try FitOptionParser().parse(fitArguments)
    }

    func resolvedOptions() throws -> FitOptions {
        if let resume {
            guard config == nil, try commandLineRunFile() == RunFile(), !overwrite else {
                throw ValidationError(
                    "--resume DIR takes the fit's options from DIR/run.json: give no data, model or other fit options with it (only --threads, --quiet, --checkpoint-every)"
                )
            }
            guard FileManager.default.fileExists(atPath: (resume as NSString).appendingPathComponent("run.json")) else {
                throw FitReplayError(
                    message:
                        "\(resume): no fit to resume (no run.json: the fit was stopped before it began, or this is not a fit's --out directory); run the fit command again"
                )
            }
            var options = try FitOptions.ofFit(in: resume)
            options.outputDirectory = resume
            options.threads = threads ?? min(ProcessInfo.processInfo.activeProcessorCount, options.chainIDs.count)
            return options
        }
        var file = RunFile()
        if let config {
            file = try RunFile.read(path: config)
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
            guard checkpointEvery >= 0, checkpointEvery.isFinite else {
                throw ValidationError("--checkpoint-every takes seconds ≥ 0, e.g. 5")
            }
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
            FitDirectory.removeCheckpoints(resume) // left if the run was killed just after fit.json
            print("\(resume): the fit has finished; nothing to resume (`rlfit summary \(resume)` reads it)")
            return
        }
        let options = try reportingInputErrors { try resolvedOptions() }
        let ids = options.chainIDs
        let display = ProgressDisplay(
            chainIDs: ids, warmup: options.warmup, draws: options.draws,
            mode: ProgressDisplay.automaticMode(quiet: quiet))
        let cancellation = CancellationToken()
        let interrupt = InterruptHandler { cancellation.cancel() }
        let outcome = try reportingInputErrors {
            try FitRunner(options: options).run(
                progress: { p in
                    display.update(
                        chain: p.chainID, iteration: p.iteration,
                        divergences: p.samplingDivergences, warmupDivergences: p.warmupDivergences)
                },
                cancellation: cancellation, resume: resume != nil, checkpointSeconds: checkpointEvery ?? 5,
                notice: { display.note($0) })
        }
        display.finish()
        interrupt.stop()
        if !outcome.resumedChains.isEmpty || !outcome.finishedBeforeChains.isEmpty {
            var said: [String] = []
            if !outcome.finishedBeforeChains.isEmpty {
                said.append(
                    "chains \(outcome.finishedBeforeChains.map(String.init).joined(separator: ", ")) had finished")
            }
            if !outcome.resumedChains.isEmpty {
                said.append(
                    "chains \(outcome.resumedChains.map(String.init).joined(separator: ", ")) went on from their checkpoints"
                )
            }
            print("resumed: " + said.joined(separator: "; "))
        }
        print(outcome.report.text)
        print(
            "\nfiles: " + outcome.files.map { ($0 as NSString).lastPathComponent }.joined(separator: ", ")
                + " in \(options.outputDirectory)")
        if !outcome.complete {
            printError(
                "interrupted: the chain files are kept as chain-<c>.csv.incomplete with their checkpoints, and fit.json says \"complete\": false; `rlfit fit --resume \(options.outputDirectory)` goes on from the checkpoints"
            )
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
