import Foundation
import ModelLanguage

/// The kind of task a model's reference study ran, which simulations use (`task` in the file).
public enum TaskDesign: Sendable, Equatable {
    /// A bandit whose reward probabilities reverse once, halfway (`BanditTask.standard`).
    case bandit
    /// Probabilistic reversal learning: reversals after runs of correct choices
    /// (`BanditTask.probabilisticReversal`).
    case probabilisticReversal
    /// The orthogonalized go/no-go task (`GoNoGoTask`).
    case goNoGo
    /// The probabilistic selection task's training phase (`ProbabilisticSelectionTask`).
    case probabilisticSelection
    /// The two-step task (`TwoStepTask`).
    case twoStep
    /// Aversive learning with punishment magnitudes (`AversiveLearningTask`).
    case aversiveLearning
    /// The ultimatum game, responder (`UltimatumTask`).
    case ultimatum
    /// The balloon analogue risk task (`BalloonTask`).
    case balloon
    /// The restless bandit with drifting payoffs (`RestlessBanditTask`).
    case restlessBandit
    /// The Iowa gambling task (`IowaGamblingTask`).
    case iowaGambling
    /// The probabilistic selection task with response times (`ProbabilisticSelectionRTTask`).
    case probabilisticSelectionRT
    /// Binary inputs with a changing probability (`BinaryInputTask`).
    case binaryInputs
    /// The Wisconsin card sorting task (`CardSortingTask`).
    case cardSorting

    /// Whether the task is a bandit (options, reward probabilities, reversals).
    public var isBandit: Bool { self == .bandit || self == .probabilisticReversal }
}

/// A model RLFit fits: a checked model file (built in, or the user's) and the values its
/// arguments take in this fit. Everything downstream — the data the reader requires, the
/// likelihood and its gradient, replays, simulation — comes from the file.
public struct ModelDefinition: Sendable {
    /// Where the file came from: the built-in catalog (`models/NAME.rlm`) or a path.
    public enum Origin: Sendable, Equatable {
        case builtIn
        case file(String)
    }

    public let file: CheckedModel
    public let origin: Origin
    /// The argument values this fit uses (defaults unless overridden with `--arg`), in file order.
    public let arguments: [Double]
    public private(set) var parameters: [ParameterSpec]

    public init(file: CheckedModel, origin: Origin, arguments: [String: Double] = [:]) throws {
        self.file = file
        self.origin = origin
        for name in arguments.keys.sorted() where file.argumentIndex(name) == nil {
            throw ModelArgumentError(name: name, known: file.arguments.map(\.name), model: file.name)
        }
        self.arguments = file.arguments.map { arguments[$0.name] ?? $0.defaultValue }
        let values = self.arguments
        parameters = file.parameters.map { ParameterSpec($0, argument: { values[file.argumentIndex($0)!] }) }
        // The checker saw the default arguments; overridden ones must leave every range
        // non-empty around its typical value (a bound from the data is checked per subject).
        for spec in parameters where spec.upperFromData == nil {
            let (lower, upper) = spec.bounds
            guard !(lower < upper && spec.typicalValue > lower && spec.typicalValue < upper) else { continue }
            throw ModelArgumentError(
                parameter: spec.name, lower: lower, upper: upper, typical: spec.typicalValue,
                overrides: argumentOverrides)
        }
    }

    public var name: String { file.name }
    public var summary: String { file.summary }
    public var reference: String { file.reference }
    /// K when the file fixes it; nil when it comes from the data.
    public var optionCount: Int? { file.optionCount }
    public var task: TaskDesign {
        switch file.task {
        case "reversal_learning": return .probabilisticReversal
        case "go_nogo": return .goNoGo
        case "probabilistic_selection": return .probabilisticSelection
        case "two_step": return .twoStep
        case "aversive_learning": return .aversiveLearning
        case "ultimatum": return .ultimatum
        case "balloon": return .balloon
        case "restless_bandit": return .restlessBandit
        case "probabilistic_selection_rt": return .probabilisticSelectionRT
        case "binary_inputs": return .binaryInputs
        case "wisconsin_card_sorting": return .cardSorting
        case "iowa_gambling": return .iowaGambling
        default: return .bandit
        }
    }

    /// The value argument `name` takes in this fit; nil when the file has no such argument.
    public func argument(_ name: String) -> Double? { file.argumentIndex(name).map { arguments[$0] } }

    /// The arguments that differ from their defaults, by name (for run files and fit.json).
    public var argumentOverrides: [String: Double] {
        var result: [String: Double] = [:]
        for (a, argument) in file.arguments.enumerated() where arguments[a] != argument.defaultValue {
            result[argument.name] = arguments[a]
        }
        return result
    }

    /// What the reader must find in the data file.
    public var data: DataRequirements {
        DataRequirements(
            columns: file.data.map { c in
                DataRequirements.Column(
                    name: c.name, kind: c.kind, observed: c.observed,
                    declaration: "\(file.file):\(c.location.line):\(c.location.column)")
            },
            optionCount: optionCount)
    }

    /// The index of the parameter called `name`.
    public func parameterIndex(_ name: String) -> Int? {
        parameters.firstIndex { $0.name == name }
    }

    /// The trial program for the batch's shape (K, each index column's levels).
    /// - Throws: `ModelFileError` when the file does not fit the data's sizes (a constant index
    ///   beyond K, vectors of the wrong length).
    public func program(for batch: TrialBatch) throws -> TrialProgram {
        var levels: [Int: Int] = [:]
        for (c, column) in file.data.enumerated() {
            if case .index = column.kind { levels[c] = batch.levels[column.name] ?? 1 }
        }
        return try Lowering.lower(file, optionCount: batch.optionCount, levels: levels, arguments: arguments)
    }

    /// A lane machine for the batch, compiled for `purpose`, with the masks and data loaded
    /// (and, for gradients, the data pre-pass run).
    public func machine(for batch: TrialBatch, purpose: MachineCode.Purpose) throws -> (
        LaneMachine, LaneMachine.IndexViolation?
    ) {
        let code = try program(for: batch).compiled(for: purpose)
        let machine = loadedMachine(code, batch, lanes: 0..<batch.laneCount)
        let violation = purpose == .gradient ? machine.prepare() : nil
        return (machine, violation)
    }

    /// A machine running `code` over the batch's lanes `lanes` (every trial), with their masks
    /// and data columns loaded.
    func loadedMachine(
        _ code: MachineCode, _ batch: TrialBatch, lanes: Range<Int>, sharedTape: TapeMemory? = nil
    ) -> LaneMachine {
        let machine = LaneMachine(code: code, lanes: lanes.count, trials: batch.trialCount, sharedTape: sharedTape)
        // The chosen lanes' values of a time-major column (index t·laneCount + lane).
        func chosen(_ values: [Double]) -> [Double] {
            guard lanes.count != batch.laneCount else { return values }
            return (0..<batch.trialCount).flatMap { t in
                values[(t * batch.laneCount + lanes.lowerBound)..<(t * batch.laneCount + lanes.upperBound)]
            }
        }
        machine.setPlane(MachineCode.answeredPlane, values: chosen(batch.answered.map { $0 ? 1 : 0 }))
        machine.setPlane(MachineCode.blockStartPlane, values: chosen(batch.blockStart.map { $0 ? 1 : 0 }))
        for (c, plane) in code.dataPlanes {
            machine.setPlane(
                plane,
                values: batch.columns[file.data[c].name].map(chosen)
                    ?? [Double](repeating: 0, count: batch.trialCount * lanes.count))
        }
        return machine
    }

    /// Rejects a batch the model does not fit: sizes the file assumes that the data do not
    /// have (`ModelFileError`), or an index outside a vector (a computed index such as
    /// `Q[3 - choice]` out of range on some answered trial; a `DataError` naming the row).
    public func checkIndices(_ batch: TrialBatch, dataFile: String) throws {
        try checkDataBounds(batch, dataFile: dataFile)
        guard let v = try machine(for: batch, purpose: .gradient).1 else { return }
        let line = Int(batch.sourceLine[v.trial * batch.laneCount + v.lane])
        throw DataError(
            file: dataFile, line: line > 0 ? line : nil,
            problem:
                "on this trial the model's index at \(file.file):\(v.location.line):\(v.location.column) is \(TrialTableWriter.format(v.value)), outside 1..\(v.range)",
            fix:
                "check this row's values that the model uses as indices (options, categories), or the model's index expression"
        )
    }

    /// Per parameter whose upper bound comes from the data (`in (L, min(RT))`), each study
    /// subject's bound: its smallest value of the column over its answered trials (a subject
    /// with none, who adds no likelihood, takes the others' mean, or the nominal bound when no
    /// subject has any: an infinite bound would make θ infinite and the gradient NaN).
    public func subjectUpperBounds(_ batch: TrialBatch) -> [Int: [Double]] {
        var bounds: [Int: [Double]] = [:]
        for (p, spec) in parameters.enumerated() {
            guard let column = spec.upperFromData else { continue }
            let values = batch.column(column)
            var smallest = [Double](repeating: .infinity, count: batch.studySubjectCount)
            for t in 0..<batch.trialCount {
                for lane in 0..<batch.laneCount where batch.answered[batch.index(t: t, subject: lane)] {
                    let s = batch.hasConditions ? batch.laneSubject[lane] : lane
                    smallest[s] = min(smallest[s], values[batch.index(t: t, subject: lane)])
                }
            }
            let finite = smallest.filter(\.isFinite)
            let fallback = finite.isEmpty ? spec.bounds.upper : finite.reduce(0, +) / Double(finite.count)
            bounds[p] = smallest.map { $0.isFinite ? $0 : fallback }
        }
        return bounds
    }

    /// The model with each data-bounded parameter's group upper bound set to the mean of the
    /// subjects' (hBayesDM's `mu_tau = Φ≈(μ)·(mean(minRT) − RTbound) + RTbound`).
    public func boundedBy(_ subjectUpperBounds: [Int: [Double]]) -> ModelDefinition {
        var model = self
        for (p, uppers) in subjectUpperBounds {
            guard !uppers.isEmpty else { continue }
            model.parameters[p] = parameters[p].withUpperBound(uppers.reduce(0, +) / Double(uppers.count))
        }
        return model
    }

    /// Rejects a subject whose data bound (`min(RT)`) is not above the parameter's lower bound:
    /// the parameter would have no values (hBayesDM requires every RT above RTbound).
    func checkDataBounds(_ batch: TrialBatch, dataFile: String) throws {
        for (p, uppers) in subjectUpperBounds(batch) {
            let spec = parameters[p], lower = spec.bounds.lower
            for (s, upper) in uppers.enumerated() where !(upper > lower) {
                let column = spec.upperFromData!
                let values = batch.column(column)
                var line: Int?
                for i in 0..<values.count
                where batch.answered[i] && values[i] == upper
                    && (batch.hasConditions ? batch.laneSubject[i % batch.laneCount] : i % batch.laneCount) == s
                {
                    line = Int(batch.sourceLine[i]); break
                }
                let source = batch.sourceColumns[column]
                throw DataError(
                    file: dataFile, line: line, column: source?.position, columnName: source?.header ?? column,
                    value: TrialTableWriter.format(upper),
                    problem:
                        "subject \(batch.studySubjectIDs[s])'s smallest \(column) is \(TrialTableWriter.format(upper)), not above \(spec.name)'s lower bound \(TrialTableWriter.format(lower)), so \(spec.name) (between them) has no values",
                    fix:
                        "lower the bound (e.g. --arg for the argument that sets it) below every subject's fastest \(column), or correct or drop this row"
                )
            }
        }
    }

    /// The likelihood of a batch (one instance per chain: not thread-safe): one lane machine per
    /// block of at most `lanesPerBlock` lanes, sharing one tape (`LaneLikelihood`). The batch
    /// must have passed `checkIndices`.
    public func makeLikelihood(
        _ batch: TrialBatch, lanesPerBlock: Int = LaneLikelihood.defaultLanesPerBlock
    ) -> SubjectLikelihood {
        guard let code = try? program(for: batch).compiled(for: .gradient) else {
            preconditionFailure("a batch the model does not fit reached the likelihood; call checkIndices first")
        }
        let blocks = LaneLikelihood.blocks(lanes: batch.laneCount, atMost: lanesPerBlock)
        let tape = TapeMemory(
            vectors: blocks.map { LaneMachine.tapeVectors(code: code, lanes: $0.count, trials: batch.trialCount) }
                .max()!)
        let machines = blocks.map { lanes in
            let machine = loadedMachine(code, batch, lanes: lanes, sharedTape: tape)
            guard machine.prepare() == nil else {
                preconditionFailure("a batch the model does not fit reached the likelihood; call checkIndices first")
            }
            return machine
        }
        return LaneLikelihood(machines: machines, blocks: blocks, tape: tape, parameterCount: code.parameterCount)
    }
}
