import Crypto
import Diagnostics
import Foundation
import ParallelWork
import RLModels
import Sampling

/// Runs a whole fit: reads and checks the data, samples the chains in parallel, writes the fit
/// directory (chain files in Stan CSV, `summary.csv`, `subjects.csv`, `fit.json`) and returns
/// the report.
///
/// The directory is locked for the run and an earlier fit in it (`--overwrite`) is removed
/// before sampling (`OutputDirectory`). `run.json` and the model are written first; each
/// chain's file is streamed as `chain-<c>.csv.incomplete` with a checkpoint every
/// `checkpointSeconds` (`ChainFileStream`), and renamed `chain-<c>.csv` when every chain has
/// finished. The summaries are computed from the chain files as written, so a resumed fit's
/// are those of the uninterrupted one. `fit.json` is written last: it is the mark of a
/// finished fit. An interrupted run (cancellation) keeps its files with the `.incomplete`
/// suffix and says so in `fit.json`; `resume` continues it from the checkpoints.
public struct FitRunner: Sendable {
    public let options: FitOptions

    public init(options: FitOptions) {
        self.options = options
    }

    public struct Outcome: Sendable {
        public let report: FitReport
        public let diagnostics: FitDiagnostics
        public let complete: Bool
        /// Warnings about the data (outcome coding) raised before sampling.
        public let dataWarnings: [String]
        public let files: [String]
        public let wallSeconds: Double
        /// Chains continued from a checkpoint, and chains a resume found finished.
        public let resumedChains: [Int]
        public let finishedBeforeChains: [Int]
    }

    /// - Parameters:
    ///   - progress: receives each chain's progress (from the chains' threads).
    ///   - cancellation: cancel it (e.g. on Ctrl-C) to stop every chain at its next iteration.
    ///   - resume: continue the interrupted fit in `options.outputDirectory` (its chains'
    ///     checkpoints; a chain without one starts again) instead of starting a new one.
    ///   - checkpointSeconds: how often each chain's file is flushed and its state saved.
    ///   - keepsFinalCheckpoints: keep each finished chain's last checkpoint (its adaptation,
    ///     timings and counts), so a grid's merge can assemble the chain into a fit of many.
    ///   - notice: receives a line about work before the chains start (`--init optimize`).
    /// - Throws: `DataError` for bad data (and, on resume, data that changed since the fit
    ///   started), `SamplingError` when a chain cannot start, file errors.
    public func run(
        progress: (@Sendable (ChainProgress) -> Void)? = nil,
        cancellation: CancellationToken? = nil, resume: Bool = false,
        checkpointSeconds: Double = 5, keepsFinalCheckpoints: Bool = false,
        notice: (@Sendable (String) -> Void)? = nil
    ) throws -> Outcome {
        let start = ProcessInfo.processInfo.systemUptime
        var o = options
        let (batch, covariates) = try FitRunner.loadStudy(
            o, isCancelled: cancellation.map { token in { token.isCancelled } })
        let dataWarnings =
            o.model.file.warnings.map(\.description) + ColumnValues.warnings(batch: batch, model: o.model)
            + ChoiceVariation.warnings(batch: batch, optionsFromData: o.model.optionCount == nil)
            + batch.readerNotes
        let dataBytes = FileManager.default.contents(atPath: o.dataPath) ?? Data()
        let dataSHA256 = SHA256.hexDigest(dataBytes)
        let directory = o.outputDirectory as NSString
        // What the machine cannot hold is refused before anything is written.
        let probe = HierarchicalPosterior(
            model: o.model, batch: batch, priors: o.priors, mode: o.hierarchy, covariates: covariates)
        // A large model gets a diagonal metric unless one was asked for (recorded in run.json,
        // so a resume or a rerun from it keeps it).
        let metricNote = o.chooseMetric(dimension: probe.dimension) ?? ""
        try FitResources.estimate(
            options: o, dimension: probe.dimension, outputColumns: probe.outputCount,
            machineBytes: probe.likelihoodMemoryBytes
        )
        .check(directory: o.outputDirectory)
        let lock =
            resume
            ? try OutputDirectory.prepareResume(o.outputDirectory)
            : try OutputDirectory.prepare(o.outputDirectory, overwrite: o.overwrite)
        defer { lock.release() }

        // What a resume finds: finished chains, and chains to continue from their checkpoints.
        var finished: [Int: ChainState] = [:], continuing: [Int: ChainCheckpointFile] = [:]
        if resume {
            for id in o.chainIDs {
                guard let checkpoint = try ChainCheckpointFile.read(directory: o.outputDirectory, chain: id) else {
                    continue
                }
                guard checkpoint.dataSHA256 == dataSHA256 else {
                    throw DataError(
                        file: o.dataPath,
                        problem:
                            "the data file changed since the fit in \(o.outputDirectory) started (its sha256 differs)",
                        fix: "resume with the data the fit started with, or start a new fit with --overwrite")
                }
                if checkpoint.state.isComplete { finished[id] = checkpoint.state } else { continuing[id] = checkpoint }
            }
        }
        var files: [String] = []
        let runPath = directory.appendingPathComponent("run.json")
        // The model file as fitted, so replays (trajectories, loglik, compare --level trial) and
        // a resume use it even if the user's copy changes later.
        let modelPath = directory.appendingPathComponent(FitOptions.fittedModelFile)
        if !resume {
            // The model first: a fit whose run.json exists always has its model.rlm.
            try AtomicFile.write(Data(o.model.file.source.utf8), to: modelPath)
            try AtomicFile.write(o.runFile.json, to: runPath)
        }

        let model = o.model, priors = o.priors, mode = o.hierarchy
        let makePosterior: @Sendable () -> HierarchicalPosterior = {
            HierarchicalPosterior(model: model, batch: batch, priors: priors, mode: mode, covariates: covariates)
        }
        let configuration = StanCSVConfiguration(
            model: model.name, dataFile: o.dataPath, numSamples: o.draws, numWarmup: o.warmup, saveWarmup: o.saveWarmup,
            thin: o.thin, adaptDelta: o.adaptDelta, maxDepth: o.maxDepth,
            initialization: o.initialization == .random ? "2" : "optimize", rlfitVersion: RLFitVersion.string,
            initBuffer: o.initBuffer, window: o.window, termBuffer: o.termBuffer)
        let outputDirectory = o.outputDirectory, seed = o.seed, digits = o.significantDigits, dense = o.metric == .dense
        let offsets = continuing.mapValues(\.fileBytes)
        var samplerConfiguration = o.samplerConfiguration
        let running = o.chainIDs.filter { finished[$0] == nil }
        // `--init optimize`: computed again by every run (a resume, a chain run alone) from the
        // seed, so each chain starts where it does in the whole fit.
        var initialization: InitialOptimizations? = nil
        // A chain that cannot start: a new fit's files are removed (they would read as an
        // interrupted fit that `--resume` could finish, and block a rerun without --overwrite),
        // and where the typical values already give a log-likelihood that is not finite, the
        // data row that makes it so is named (65), not only the sampler's general advice.
        let fitDirectory = o.outputDirectory
        func explainingFailedStarts<T>(_ body: () throws -> T) throws -> T {
            do {
                return try body()
            } catch let error as SamplingError {
                guard case let .initializationFailed(chain, attempts, _, _) = error else { throw error }
                if !resume {
                    let names = (try? FileManager.default.contentsOfDirectory(atPath: fitDirectory)) ?? []
                    try? OutputDirectory.remove(
                        names.filter(OutputDirectory.isFitFile), in: fitDirectory, whose: "the failed fit's")
                }
                guard let finding = try? model.firstNonFiniteLikelihood(batch) else { throw error }
                throw model.nonFiniteLikelihoodError(
                    finding, batch: batch, dataFile: o.dataPath,
                    context:
                        "chain \(chain) could not start (no finite log density in \(attempts) attempt\(attempts == 1 ? "" : "s")): "
                )
            }
        }
        if o.initialization == .optimize {
            notice?("optimizing from \(o.initOptimizations) random points to start the chains in the highest mode…")
            let found = try explainingFailedStarts {
                try InitialOptimizations.run(count: o.initOptimizations, seed: o.seed, threads: o.threads) {
                    PosteriorDensity(posterior: makePosterior())
                }
            }
            samplerConfiguration.initialPositions = found.startingPoints(chainIDs: o.chainIDs)
            notice?(found.summary)
            initialization = found
        }
        let sampler = Sampler(configuration: samplerConfiguration)
        let ran = try explainingFailedStarts {
            try sampler.runChains(
                chainIDs: running, threads: o.threads,
                makeDensity: { _ in PosteriorDensity(posterior: makePosterior()) },
                progress: progress, cancellation: cancellation,
                makeObserver: { id in
                    try ChainFileStream(
                        directory: outputDirectory, chainID: id, seed: seed, configuration: configuration,
                        denseMetric: dense,
                        posterior: makePosterior(), significantDigits: digits, dataSHA256: dataSHA256,
                        checkpointSeconds: checkpointSeconds, resumeAt: offsets[id])
                },
                keepsDraws: false, resume: continuing.mapValues(\.state))
        }
        let results = o.chainIDs.map { id in finished[id]?.summaryResult ?? ran[running.firstIndex(of: id)!] }
        let complete = results.allSatisfy(\.isComplete)

        // Every chain finished: the chain files get their final names.
        var chainPaths: [String] = []
        for id in o.chainIDs {
            let streamed = directory.appendingPathComponent("chain-\(id).csv.incomplete")
            let path = complete ? directory.appendingPathComponent("chain-\(id).csv") : streamed
            // (A run killed while renaming left some files renamed already.)
            if complete
                && (FileManager.default.fileExists(atPath: streamed) || !FileManager.default.fileExists(atPath: path))
                && rename(streamed, path) != 0
            {
                throw AtomicFile.WriteError(path: path, reason: String(cString: strerror(errno)))
            }
            chainPaths.append(path)
        }
        files += chainPaths
        let records = try ParallelMap.map(chainPaths, threads: o.threads) { path in
            Result { try StanCSVReader.read(path: path).record }
        }.map { try $0.get() }

        let bounds = model.parameters.map { (name: $0.name, lower: $0.bounds.lower, upper: $0.bounds.upper) }
        let diagnostics = FitDiagnostics(
            chains: records, maxDepth: o.maxDepth, dataWarnings: dataWarnings,
            adaptDelta: o.adaptDelta, warmup: o.warmup, bounds: bounds)

        // An interrupted run's summaries describe partial chains: named so they cannot be mistaken.
        let suffix = complete ? "" : ".incomplete"
        let summaryPath = directory.appendingPathComponent("summary.csv" + suffix)
        try AtomicFile.write(Data(FitFiles.summaryCSV(diagnostics.summaries).utf8), to: summaryPath)
        let subjectsPath = directory.appendingPathComponent("subjects.csv" + suffix)
        try AtomicFile.write(
            Data(
                FitFiles.subjectsCSV(
                    subjectIDs: batch.studySubjectIDs, parameterNames: model.parameters.map(\.name),
                    chains: records
                ).utf8), to: subjectsPath)
        files += [summaryPath, subjectsPath]

        let wall = ProcessInfo.processInfo.systemUptime - start
        let title =
            FitRunner.title(
                model: model.name + (o.hierarchy == .partial ? "" : " (\(o.hierarchy.rawValue) hierarchy)"),
                data: o.dataPath, batch: batch, chains: o.chainIDs.count,
                draws: o.draws, warmup: o.warmup, metric: o.metric, seconds: wall, seed: o.seed, metricNote: metricNote)
            + (initialization.map { "; " + $0.summary } ?? "")
        let effects = CovariateEffects.summaries(chains: records, model: model, covariates: covariates)
        let report = FitReport(title: title, diagnostics: diagnostics, covariateEffects: effects)
        files += [runPath, modelPath]
        let curves =
            records.allSatisfy { $0.drawCount > 0 }
            ? LearningCurves.compute(batch: batch, model: model, chains: records) : nil
        let html = HTMLReport.html(
            title: title, report: report, chains: records, subjectIDs: batch.studySubjectIDs,
            parameterNames: model.parameters.map(\.name), curves: curves)
        let reportPath = directory.appendingPathComponent("report.html" + suffix)
        try AtomicFile.write(Data(html.utf8), to: reportPath)
        files.append(reportPath)
        if let curves {
            let ppcPath = directory.appendingPathComponent("ppc.csv" + suffix)
            try AtomicFile.write(Data(curves.csv(batch: batch).utf8), to: ppcPath)
            files.append(ppcPath)
        }
        let manifestPath = directory.appendingPathComponent("fit.json")
        files.append(manifestPath)
        var manifest = FitManifest.json(
            options: o, results: results, diagnostics: diagnostics, dataSHA256: dataSHA256,
            batch: batch, wallSeconds: wall, dataWarnings: dataWarnings, files: files, complete: complete)
        manifest["initialization"] = initialization?.manifest ?? ["method": "random", "radius": 2] as [String: Any]
        try AtomicFile.write(try FitFiles.json(manifest), to: manifestPath)
        // A finished fit needs no checkpoints (an interrupted one keeps them for --resume).
        if complete && !keepsFinalCheckpoints {
            for id in o.chainIDs {
                try? FileManager.default.removeItem(
                    atPath: ChainCheckpointFile.path(directory: o.outputDirectory, chain: id))
            }
        }
        return Outcome(
            report: report, diagnostics: diagnostics, complete: complete, dataWarnings: dataWarnings,
            files: files, wallSeconds: wall, resumedChains: continuing.keys.sorted(),
            finishedBeforeChains: finished.keys.sorted())
    }

    /// The study as a fit reads it: the trial table, checked against the model (indices in
    /// range, outcome probabilities), and the standardized covariates.
    static func loadStudy(_ o: FitOptions, isCancelled: (() -> Bool)? = nil) throws -> (TrialBatch, SubjectCovariates) {
        let batch = try TrialTableReader.read(
            path: o.dataPath, requirements: o.dataRequirements, isCancelled: isCancelled)
        try o.model.checkIndices(batch, dataFile: o.dataPath)
        try o.model.checkOutcomeProbabilities(batch)
        try o.model.checkObservedOptionsOffered(batch, dataFile: o.dataPath)
        return (batch, try FitRunner.covariates(batch: batch, names: o.covariates, file: o.dataPath))
    }

    /// The standardized covariates named on the command line, or a data error naming the
    /// covariate that does not vary across subjects.
    static func covariates(batch: TrialBatch, names: [String], file: String) throws -> SubjectCovariates {
        guard !names.isEmpty else { return .none }
        switch SubjectCovariates.standardized(
            names: names, raw: names.map { batch.subjectCovariates[$0]! }, levels: batch.covariateLevels)
        {
        case let .success(c): return c
        case let .failure(constant):
            throw DataError(
                file: file, columnName: constant.name,
                problem: "covariate '\(constant.name)' has the same value for every subject",
                fix: "a covariate must differ between subjects to have an effect; remove it from --covariates")
        }
    }

    static func title(
        model: String, data: String, batch: TrialBatch, chains: Int, draws: Int, warmup: Int,
        metric: MetricKind, seconds: Double?, seed: UInt64? = nil, metricNote: String = ""
    ) -> String {
        var t = "\(model) on \(data): \(batch.studySubjectCount) subjects, \(batch.validTrialCount) choices"
        if batch.hasConditions { t += " in \(Set(batch.laneConditions).count) conditions" }
        t +=
            "; \(chains) chain\(chains == 1 ? "" : "s") × \(draws) draws (\(warmup) warmup), \(metric.rawValue) metric\(metricNote)"
        if let seconds { t += String(format: ", %.1f s", seconds) }
        if let seed { t += ", seed \(seed)" }
        return t
    }
}
