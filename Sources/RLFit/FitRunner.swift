import Diagnostics
import Foundation
import RLModels
import Sampling

/// Runs a whole fit: reads and checks the data, samples the chains in parallel, writes the fit
/// directory (chain files in Stan CSV, `summary.csv`, `subjects.csv`, `fit.json`) and returns
/// the report. The directory is locked for the run and an earlier fit in it (`--overwrite`) is
/// removed before sampling (`OutputDirectory`). Every file goes to a temporary name first;
/// `fit.json` is written last; an interrupted run (cancellation) writes its chain files as
/// `chain-<c>.csv.incomplete` and says so in `fit.json`.
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
    }

    /// - Parameters:
    ///   - progress: receives each chain's progress (from the chains' threads).
    ///   - cancellation: cancel it (e.g. on Ctrl-C) to stop every chain at its next iteration.
    /// - Throws: `DataError` for bad data, `SamplingError` when a chain cannot start, file errors.
    public func run(progress: (@Sendable (ChainProgress) -> Void)? = nil,
                    cancellation: CancellationToken? = nil) throws -> Outcome {
        let start = ProcessInfo.processInfo.systemUptime
        let o = options
        let (batch, covariates) = try FitRunner.loadStudy(o)
        let dataWarnings = o.model.file.warnings.map(\.description) + ColumnValues.warnings(batch: batch, model: o.model)
            + batch.readerNotes
        let dataBytes = FileManager.default.contents(atPath: o.dataPath) ?? Data()
        let lock = try OutputDirectory.prepare(o.outputDirectory, overwrite: o.overwrite)
        defer { lock.release() }

        let model = o.model, priors = o.priors, mode = o.hierarchy
        let makePosterior: @Sendable () -> HierarchicalPosterior = {
            HierarchicalPosterior(model: model, batch: batch, priors: priors, mode: mode, covariates: covariates)
        }
        let sampler = Sampler(configuration: o.samplerConfiguration)
        let results = try sampler.runChains(
            chainIDs: o.chainIDs, threads: o.threads,
            makeDensity: { _ in PosteriorDensity(posterior: makePosterior()) },
            progress: progress, cancellation: cancellation)
        let complete = results.allSatisfy(\.isComplete)

        // Quantities per kept draw (one forward pass each), chain files, in parallel over chains.
        let records = ChainRecordBuilder.records(results: results, makePosterior: makePosterior, seed: o.seed, threads: o.threads)
        let configuration = StanCSVConfiguration(
            model: model.name, dataFile: o.dataPath, numSamples: o.draws, numWarmup: o.warmup, saveWarmup: o.saveWarmup,
            thin: o.thin, adaptDelta: o.adaptDelta, maxDepth: o.maxDepth, initRadius: 2, rlfitVersion: RLFitVersion.string,
            initBuffer: o.initBuffer, window: o.window, termBuffer: o.termBuffer)
        var files: [String] = []
        let directory = o.outputDirectory as NSString
        let texts = ParallelMap.map(records, threads: o.threads) {
            StanCSVWriter.bytes($0, configuration: configuration, significantDigits: o.significantDigits)
        }
        for (record, text) in zip(records, texts) {
            let name = "chain-\(record.id).csv" + (record.complete ? "" : ".incomplete")
            let path = directory.appendingPathComponent(name)
            try AtomicFile.write(Data(text), to: path)
            files.append(path)
        }

        let diagnostics = FitDiagnostics(chains: records, maxDepth: o.maxDepth, dataWarnings: dataWarnings,
                                         adaptDelta: o.adaptDelta, warmup: o.warmup)

        // An interrupted run's summaries describe partial chains: named so they cannot be mistaken.
        let suffix = complete ? "" : ".incomplete"
        let summaryPath = directory.appendingPathComponent("summary.csv" + suffix)
        try AtomicFile.write(Data(FitFiles.summaryCSV(diagnostics.summaries).utf8), to: summaryPath)
        let subjectsPath = directory.appendingPathComponent("subjects.csv" + suffix)
        try AtomicFile.write(Data(FitFiles.subjectsCSV(subjectIDs: batch.studySubjectIDs, parameterNames: model.parameters.map(\.name),
                                                        chains: records).utf8), to: subjectsPath)
        files += [summaryPath, subjectsPath]

        let wall = ProcessInfo.processInfo.systemUptime - start
        let title = FitRunner.title(model: model.name + (o.hierarchy == .partial ? "" : " (\(o.hierarchy.rawValue) hierarchy)"), data: o.dataPath, batch: batch, chains: o.chainIDs.count,
                                    draws: o.draws, warmup: o.warmup, metric: o.metric, seconds: wall, seed: o.seed)
        let effects = CovariateEffects.summaries(chains: records, model: model, covariates: covariates)
        let report = FitReport(title: title, diagnostics: diagnostics, covariateEffects: effects)
        let runPath = directory.appendingPathComponent("run.json")
        try AtomicFile.write(o.runFile.json, to: runPath)
        files.append(runPath)
        // The model file as fitted, so replays (trajectories, loglik, compare --level trial)
        // use it even if the user's copy changes later.
        let modelPath = directory.appendingPathComponent(FitOptions.fittedModelFile)
        try AtomicFile.write(Data(model.file.source.utf8), to: modelPath)
        files.append(modelPath)
        let curves = records.allSatisfy { $0.drawCount > 0 } ? LearningCurves.compute(batch: batch, model: model, chains: records) : nil
        let html = HTMLReport.html(title: title, report: report, chains: records, subjectIDs: batch.studySubjectIDs,
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
        let manifest = FitManifest.json(options: o, results: results, diagnostics: diagnostics, dataSHA256: SHA256.hexDigest(dataBytes),
                                        batch: batch, wallSeconds: wall, dataWarnings: dataWarnings, files: files, complete: complete)
        try AtomicFile.write(try FitFiles.json(manifest), to: manifestPath)
        return Outcome(report: report, diagnostics: diagnostics, complete: complete, dataWarnings: dataWarnings,
                       files: files, wallSeconds: wall)
    }

    /// The standardized covariates named on the command line, or a data error naming the
    /// covariate that does not vary across subjects.
    /// The study as a fit reads it: the trial table, checked against the model (indices in
    /// range, outcome probabilities), and the standardized covariates.
    static func loadStudy(_ o: FitOptions) throws -> (TrialBatch, SubjectCovariates) {
        let batch = try TrialTableReader.read(path: o.dataPath, requirements: o.dataRequirements)
        try o.model.checkIndices(batch, dataFile: o.dataPath)
        try o.model.checkOutcomeProbabilities(batch)
        return (batch, try FitRunner.covariates(batch: batch, names: o.covariates, file: o.dataPath))
    }

    static func covariates(batch: TrialBatch, names: [String], file: String) throws -> SubjectCovariates {
        guard !names.isEmpty else { return .none }
        switch SubjectCovariates.standardized(names: names, raw: names.map { batch.subjectCovariates[$0]! }, levels: batch.covariateLevels) {
        case let .success(c): return c
        case let .failure(constant):
            throw DataError(file: file, columnName: constant.name, problem: "covariate '\(constant.name)' has the same value for every subject",
                            fix: "a covariate must differ between subjects to have an effect; remove it from --covariates")
        }
    }

    static func title(model: String, data: String, batch: TrialBatch, chains: Int, draws: Int, warmup: Int,
                      metric: MetricKind, seconds: Double?, seed: UInt64? = nil) -> String {
        var t = "\(model) on \(data): \(batch.studySubjectCount) subjects, \(batch.validTrialCount) choices"
        if batch.hasConditions { t += " in \(Set(batch.laneConditions).count) conditions" }
        t += "; \(chains) chain\(chains == 1 ? "" : "s") × \(draws) draws (\(warmup) warmup), \(metric.rawValue) metric"
        if let seconds { t += String(format: ", %.1f s", seconds) }
        if let seed { t += ", seed \(seed)" }
        return t
    }
}

/// Turns the sampler's chains into chain records: the 7 sampler columns plus the model's
/// quantities (hBayesDM names), one row per kept draw.
enum ChainRecordBuilder {
    static func records(results: [ChainResult], makePosterior: @escaping @Sendable () -> HierarchicalPosterior,
                        seed: UInt64, threads: Int) -> [ChainRecord] {
        ParallelMap.map(results, threads: threads) { result in
            let posterior = makePosterior()
            let names = posterior.outputNames
            let width = 7 + names.count
            var table = [Double](repeating: 0, count: result.drawCount * width)
            var outputs = [Double](repeating: 0, count: names.count)
            let d = result.dimension
            result.positions.withUnsafeBufferPointer { positions in
                outputs.withUnsafeMutableBufferPointer { out in
                    for row in 0..<result.drawCount {
                        let x = UnsafeBufferPointer(rebasing: positions[(row * d)..<((row + 1) * d)])
                        posterior.outputs(at: x, into: out)
                        let base = row * width
                        let stats = result.statistics[row].columnValues
                        for k in 0..<7 { table[base + k] = stats[k] }
                        for k in 0..<names.count { table[base + 7 + k] = out[k] }
                    }
                }
            }
            let metric: [Double]
            let dense: Bool
            switch result.inverseMetric {
            case let .diagonal(v): metric = v; dense = false
            case let .dense(m): metric = m.transposed.storage; dense = true  // row-major
            }
            return ChainRecord(id: result.chainID, seed: seed, columnNames: names, table: table,
                               warmupRowCount: result.warmupDrawCount, stepSize: result.stepSize, inverseMetric: metric,
                               denseMetric: dense, warmupSeconds: result.warmupSeconds, samplingSeconds: result.samplingSeconds,
                               complete: result.isComplete)
        }
    }
}

/// Order-preserving parallel map over a few large items (chains), on up to `threads` threads.
enum ParallelMap {
    private final class Slots<U>: @unchecked Sendable {
        var values: [U?]
        let lock = NSLock()
        init(count: Int) { values = [U?](repeating: nil, count: count) }
        func set(_ i: Int, _ value: U) { lock.lock(); values[i] = value; lock.unlock() }
    }

    static func map<T: Sendable, U>(_ items: [T], threads: Int, _ transform: @escaping @Sendable (T) -> U) -> [U] {
        let slots = Slots<U>(count: items.count)
        let workers = max(1, min(threads, items.count))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var i = worker
            while i < items.count {
                slots.set(i, transform(items[i]))
                i += workers
            }
        }
        return slots.values.map { $0! }
    }
}
